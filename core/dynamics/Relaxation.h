#pragma once
// Is the liquid equilibrated and are the starting structures decorrelated? The mean-square
// displacement and the self-intermediate scattering function answer it (PHYSICS.md §2).
#include <Eigen/Core>

#include <string>
#include <vector>

namespace tlscope {

/// MSD(t) and F_s(q, t) = < sin(q |dr|) / (q |dr|) > (isotropic average) of one species,
/// measured from a time origin, the centre-of-mass drift removed.
struct RelaxationCurve {
    double q = 0.0;
    int species = 0;
    std::vector<double> time, msd, fs;
    /// The structural relaxation time: where F_s first falls below 1/e (interpolated in log t);
    /// negative when it has not fallen that far.
    double tauAlpha() const;
    /// Human-readable table and verdict (one line per sample).
    std::string report(double equilibrationTime) const;
};

/// Records a trajectory's MSD and F_s against the positions it was created with. Positions
/// must be unwrapped (continuous in time), as MolecularDynamics keeps them.
class RelaxationMonitor {
public:
    RelaxationMonitor(const Eigen::VectorXd& origin, const std::vector<int>& species, int measuredSpecies, double q);
    void sample(double t, const Eigen::VectorXd& positions);
    const RelaxationCurve& curve() const { return curve_; }

private:
    Eigen::VectorXd origin_;
    std::vector<int> members_; ///< particles of the measured species
    RelaxationCurve curve_;
};

/// Sample steps 1, 2, ..., 10, 12, 15, ...: about `perDecade` per decade up to `last`.
std::vector<long> logSpacedSteps(long last, int perDecade = 10);

} // namespace tlscope
