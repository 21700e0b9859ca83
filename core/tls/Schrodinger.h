#pragma once
// 1D Schroedinger equation along a double-well path: tunnel splitting and WKB (PHYSICS.md §6).
#include <Eigen/Core>

#include <vector>

namespace tlscope {

/// Lowest `count` eigenvalues of -(hbar^2/2) psi'' + V psi on a uniform grid of spacing h
/// (second-order finite differences, psi = 0 beyond the grid ends).
Eigen::VectorXd lowestLevels(const Eigen::VectorXd& potentialOnGrid, double h, double hbar,
                             int count);

/// A potential profile V(s) sampled along a path at increasing mass-weighted arc lengths s.
struct PathProfile {
    std::vector<double> s, energy;
};

struct TunnelSplitting {
    double e0 = 0.0, e1 = 0.0;  ///< lowest two levels (reduced units)
    double splitting = 0.0;     ///< E_qs = E1 - E0
    double wkbDelta0 = 0.0;     ///< hbar omega exp(-(1/hbar) int sqrt(2 (V - E0)) ds)
    double omega = 0.0;         ///< harmonic frequency of the lower well
};

/// Interpolates the profile (monotone cubic), continues it beyond both ends as a mirror image
/// (each end is a minimum, so this is exact to second order), and solves on a fine grid.
TunnelSplitting tunnelSplitting(const PathProfile& profile, double hbar, int gridPoints = 4000);

} // namespace tlscope
