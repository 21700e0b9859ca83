#pragma once
// The ridge method for the saddle between two minima (Ionova & Carter 1993) in the non-local
// form of Doliwa & Heuer 2003. (Paths from a saddle: core/landscape/ReactionPath.)
#include "core/potential/EnergySurface.h"

#include <atomic>
#include <string>


namespace tlscope {

struct RidgeOptions {
    double initialSeparation = 0.05; ///< half-distance of the straddling pair at the start
    double minimumSeparation = 1e-4;
    double shrink = 0.8;             ///< separation factor per cycle once the pair stalls
    double forceTolerance = 1e-3;    ///< max |F| at the ridge point; refineSaddle takes over
    long maxCycles = 5000;
    const std::atomic<bool>* stop = nullptr;
};

struct RidgeResult {
    /// Highest point between the straddling pair: the saddle estimate (when the walk lost the
    /// ridge, the last point that was on it; empty if there was none).
    Eigen::VectorXd x;
    double energy = 0.0;
    double maxForce = 0.0;
    bool converged = false;
    long cycles = 0;
    long energyEvaluations = 0;
    std::string message;
};

/// Walks two points that straddle the ridge between minima a and b downhill along it: each
/// cycle finds the energy maximum on the segment joining them, places the pair at +-separation
/// around it along the segment, and moves both downhill by less than their separation, so they
/// stay on either side. Ends when the force at the maximum is below the tolerance.
RidgeResult ridgeSaddle(EnergySurface& surface, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                        const RidgeOptions& options = {});

} // namespace tlscope
