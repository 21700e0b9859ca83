#pragma once
// A configuration of particles in a cubic periodic box.
#include <Eigen/Core>

#include <cmath>
#include <string>
#include <vector>

namespace tlscope {

class Model;

/// Positions (x0 y0 z0 x1 ...), species indices and the cubic box edge. Positions need not be
/// wrapped into the box: every distance is taken with the minimum-image convention.
struct Configuration {
    double boxLength = 0.0;
    std::vector<int> species;
    Eigen::VectorXd positions;
    /// Per-particle diameters for models that have them (soft spheres); empty otherwise.
    std::vector<double> diameters;

    int size() const { return static_cast<int>(species.size()); }
    Eigen::Vector3d position(int i) const { return positions.segment<3>(3 * i); }
    /// Per-coordinate masses (each particle's mass repeated three times).
    Eigen::VectorXd massVector(const Model& model) const;
    /// Positions wrapped into [0, L).
    Eigen::VectorXd wrappedPositions() const;
    /// Throws InputError if species indices do not fit the model or the cutoff does not fit.
    void validateAgainst(const Model& model, const std::string& where) const;
};

/// Minimum-image convention for a cubic box of edge L.
/// Rounds by truncation towards zero after adding +-0.5: one cvttsd2si instead of a libm call
/// (std::nearbyint is not inlined without SSE4.1, and this is the innermost loop).
inline double minimumImage(double dx, double L, double invL) {
    const double s = dx * invL;
    return dx - L * static_cast<double>(static_cast<long long>(s + (s >= 0.0 ? 0.5 : -0.5)));
}

/// Minimum-image displacement vector b - a for every particle (3N).
Eigen::VectorXd minimumImageDisplacement(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                         double boxLength);

/// Throws InputError unless the largest cutoff is below half the box edge (for soft spheres:
/// the largest among these diameters, or of the model's distribution when none are given).
void checkCutoffFitsBox(const Model& model, double boxLength, const std::vector<double>& diameters = {});

} // namespace tlscope
