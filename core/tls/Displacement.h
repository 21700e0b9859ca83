#pragma once
// Distances between configurations and how a transition is shared among particles (PHYSICS.md §5).
#include <Eigen/Core>

#include <vector>

namespace tlscope {

class Model;

/// Each particle's mass in units of the first species' mass (m_A): the `mass` argument below.
Eigen::VectorXd relativeMasses(const Model& model, const std::vector<int>& species);

/// Per-particle displacement b - a (minimum image) with the mass-weighted centre-of-mass
/// displacement removed. `mass` holds one mass per particle. With `copies` > 1 (independent
/// copies sharing the box, Model::copies) the centre of mass of each copy is removed on its own:
/// the copies drift against each other freely, and that drift is no part of any transition.
Eigen::VectorXd comCorrectedDisplacement(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                         double boxLength, const Eigen::VectorXd& mass, int copies = 1);
/// b moved so that each copy's centre of mass sits where a's does, continuous with a (a plus
/// the corrected displacement): how minima of a system of copies are stored.
Eigen::VectorXd alignCopies(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double boxLength,
                            const Eigen::VectorXd& mass, int copies);

/// `x` shown continuously with `reference`: the reference wrapped into the box plus each
/// particle's minimum-image displacement to x. A particle that crosses the boundary between the
/// two stays next to where it was (it may sit just outside the box) instead of jumping across it.
Eigen::VectorXd alignedTo(const Eigen::VectorXd& reference, const Eigen::VectorXd& x, double boxLength);

/// d = sqrt(sum |dr_i|^2) after the centre-of-mass correction.
double distance(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double boxLength,
                const Eigen::VectorXd& mass, int copies = 1);
/// d_mw = sqrt(sum (m_i/m_A) |dr_i|^2), with masses already in units of m_A.
double massWeightedDistance(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double boxLength,
                            const Eigen::VectorXd& mass, int copies = 1);

/// Everything §5 says about the particle displacements of one transition.
struct DisplacementProfile {
    Eigen::VectorXd perParticle;       ///< |dr_i|
    double d = 0.0, dMassWeighted = 0.0;
    int centralParticle = -1;          ///< largest |dr_i|
    double centralDisplacement = 0.0;
    double pr2 = 0.0;                  ///< sum d_i^2 / d_max^2
    double pr3 = 0.0;                  ///< sum d_i / d_max
    double pr4 = 0.0;                  ///< (sum d_i^2)^2 / sum d_i^4
    std::vector<double> sorted;        ///< d_(1) >= d_(2) >= ...
};

DisplacementProfile displacementProfile(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                        double boxLength, const Eigen::VectorXd& mass, int copies = 1);

/// PR1 over a set of transitions: 1 / < d_max^2 / sum d_i^2 >.
double participationRatio1(const std::vector<DisplacementProfile>& set);

} // namespace tlscope
