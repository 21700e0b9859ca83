#pragma once
// A verified double-well potential between two minima, characterised per PHYSICS.md §5-6.
#include "core/landscape/Neb.h"
#include "core/landscape/Ridge.h"
#include "core/model/Model.h"
#include "core/potential/PairPotential.h"
#include "core/tls/Displacement.h"
#include "core/tls/Schrodinger.h"

#include <string>
#include <vector>

namespace tlscope {

struct DoubleWell {
    double e1 = 0, e2 = 0, eSaddle = 0;
    double asymmetry = 0, barrier = 0;
    double d = 0, dMassWeighted = 0, dReactionPath = 0, dMassWeightedReactionPath = 0;
    int centralParticle = -1, centralSpecies = -1;
    double centralDisplacement = 0;
    double pr2 = 0, pr3 = 0, pr4 = 0;
    std::vector<double> sortedProfile;
    double splitting = 0, wkbDelta0 = 0; ///< reduced units
    bool isTls = false;                  ///< splitting below the TLS threshold
    int saddleIndex = 0;
    PathProfile path;                    ///< energy against mass-weighted arc length (all points)
    /// kStoredPathImages configurations evenly spaced in arc length along the path, minima at
    /// the ends, with their arc length and energy: what session files keep.
    std::vector<Eigen::VectorXd> pathImages;
    std::vector<double> pathImageS, pathImageEnergy;
    Eigen::VectorXd minimum1, minimum2, saddle;
};

inline constexpr int kStoredPathImages = 9;

enum class SaddleMethod { Neb, Ridge };
SaddleMethod parseSaddleMethod(const std::string& name); ///< "neb" or "ridge"
std::string saddleMethodName(SaddleMethod m);

struct DoubleWellOptions {
    SaddleMethod method = SaddleMethod::Neb;
    RidgeOptions ridge{};
    NebOptions neb{7, 5.0, 0.05, 20000, true, 0.02, nullptr};
    double saddleForceTolerance = 1e-8;
    double sameDistance = 1e-3; ///< PHYSICS.md §3
    double sameEnergy = 1e-7;
    double hbar = 0.013157;
    double tlsThreshold = 1.0708e-3; ///< 1 K in eps_AA
    const std::atomic<bool>* stop = nullptr; ///< polled by every inner loop when set
};

/// Either a verified DWP or the reason the pair is not one.
struct DoubleWellAnalysis {
    bool accepted = false;
    std::string reason;
    DoubleWell dwp;
};

/// Two minima are the same if, centre-of-mass shift removed, they are closer than `distance`
/// and their energies agree within `energy`.
bool sameMinimum(const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb,
                 double boxLength, const Eigen::VectorXd& mass, double distance, double energy);

/// Finds the saddle between two minima (CI-NEB or the ridge method, then refinement), verifies it with the Hessian
/// (index 1) and by descending along +- its unstable mode, and characterises the pair.
DoubleWellAnalysis analyzeDoubleWell(PairPotential& potential, const Eigen::VectorXd& minimum1,
                                     const Eigen::VectorXd& minimum2,
                                     const DoubleWellOptions& options = {});

} // namespace tlscope
