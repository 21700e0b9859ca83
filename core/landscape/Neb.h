#pragma once
// Climbing-image nudged elastic band (Henkelman, Uberuaga & Jonsson 2000; improved tangent,
// Henkelman & Jonsson 2000) and a Hessian-based refinement of the saddle it finds.
#include "core/potential/EnergySurface.h"

#include <atomic>
#include <string>
#include <vector>

namespace tlscope {

struct NebOptions {
    int interiorImages = 9;
    double springConstant = 5.0;
    double forceTolerance = 1e-3; ///< max NEB force component on every image
    long maxIterations = 20000;
    bool climbingImage = true;
    double maxStep = 0.02;        ///< largest move of a coordinate in one FIRE step
    const std::atomic<bool>* stop = nullptr;
};

struct NebResult {
    std::vector<Eigen::VectorXd> images; ///< endpoints included
    std::vector<double> energies;
    int climbingIndex = -1;              ///< highest image
    bool converged = false;
    long iterations = 0;
    std::string message;
};

/// Relaxes a chain of images between minima a and b. Endpoints stay fixed.
NebResult nudgedElasticBand(EnergySurface& surface, const Eigen::VectorXd& a,
                            const Eigen::VectorXd& b, const NebOptions& options = {});

struct SaddleResult {
    Eigen::VectorXd x;
    double energy = 0.0;
    double maxForce = 0.0;
    int negativeModes = 0;       ///< Hessian index, zero modes excluded
    Eigen::VectorXd unstableMode; ///< unit eigenvector of the negative eigenvalue
    double unstableEigenvalue = 0.0;
    bool converged = false;
    long iterations = 0;
};

/// How refineSaddle finds the Hessian's modes: a dense eigendecomposition (all modes, cost
/// ~ (3N)^3), or Lanczos for the two lowest plus conjugate gradients for the Newton step in the
/// rest (sparse Hessian, cost ~ pairs x products). Auto: dense up to kDenseHessianLimit
/// coordinates (docs/performance.md).
enum class EigenMethod { Auto, Dense, Lanczos };
constexpr Eigen::Index kDenseHessianLimit = 200;

/// Newton steps that go uphill along the lowest Hessian mode and downhill along all others
/// (eigenvector following), until max |F| < forceTolerance. The index counts negative modes
/// with the exact zero modes set aside (with Lanczos: among the two lowest, so 2 means >= 2).
SaddleResult refineSaddle(EnergySurface& surface, const Eigen::VectorXd& start,
                          double forceTolerance = 1e-9, long maxIterations = 200,
                          double maxStep = 0.05, EigenMethod method = EigenMethod::Auto);

} // namespace tlscope
