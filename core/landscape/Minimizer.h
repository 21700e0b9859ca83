#pragma once
// Local energy minimization: Polak-Ribiere CG, FIRE and L-BFGS (PHYSICS.md §3).
#include "core/potential/EnergySurface.h"

#include <atomic>
#include <functional>
#include <string>

namespace tlscope {

enum class MinimizerKind { ConjugateGradient, Fire, Lbfgs };
MinimizerKind parseMinimizer(const std::string& name);
std::string minimizerName(MinimizerKind kind);

struct MinimizerOptions {
    double forceTolerance = 1e-10; ///< converged when max_k |F_k| < this
    long maxIterations = 200000;
    double maxDisplacement = 0.1;  ///< largest move of a coordinate in one step
    int lbfgsMemory = 10;
    const std::atomic<bool>* stop = nullptr; ///< polled every iteration when set
    /// Optional early end: once max |F| < recogniseBelow, called with (x, E) every iteration;
    /// returning true ends the run with status Recognised (the caller knows the minimum this
    /// point falls into, e.g. a search attempt back in an already known basin).
    std::function<bool(const Eigen::VectorXd&, double)> recognise;
    double recogniseBelow = 1e-6;
};

enum class MinimizationStatus { Converged, MaxIterations, LineSearchFailed, NonFinite, Stopped, Recognised };

struct MinimizationResult {
    MinimizationStatus status = MinimizationStatus::MaxIterations;
    long iterations = 0;
    long forceEvaluations = 0;
    double energy = 0.0;
    double maxForce = 0.0;
    /// Converged, or recognised as a known minimum (then x is not that minimum: the caller
    /// that asked for recognition substitutes it).
    bool converged() const { return status == MinimizationStatus::Converged || status == MinimizationStatus::Recognised; }
    /// One sentence saying how it ended, for logs and error messages.
    std::string describe() const;
};

/// Minimizes in place. Never throws for non-convergence: the status says what happened, and
/// callers that need a minimum must check `converged()`.
MinimizationResult minimize(EnergySurface& surface, Eigen::VectorXd& x, MinimizerKind kind,
                            const MinimizerOptions& options = {});

/// Max-norm of a force vector.
inline double maxAbs(const Eigen::VectorXd& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }

} // namespace tlscope
