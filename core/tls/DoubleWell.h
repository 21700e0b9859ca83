#pragma once
// A verified double-well potential between two minima, characterised per PHYSICS.md §5-6.
#include "core/landscape/Neb.h"
#include "core/landscape/ReactionPath.h"
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
    double asymmetry = 0;
    double barrier = 0;               ///< E_saddle - min(E1, E2)
    double barrier1 = 0, barrier2 = 0; ///< E_saddle - E1 and E_saddle - E2: the barrier from each side
    double d = 0, dMassWeighted = 0, dReactionPath = 0, dMassWeightedReactionPath = 0;
    int centralParticle = -1, centralSpecies = -1;
    double centralDisplacement = 0;
    double pr2 = 0, pr3 = 0, pr4 = 0;
    std::vector<double> sortedProfile;
    QuantumLevels quantum;             ///< E_qs, localisation, Delta, Delta0 (reduced units)
    bool isTls = false;                ///< E_qs below the TLS threshold
    int saddleIndex = 0;
    /// The resolved V(s) the Schroedinger equation was solved on: the IRC path (s = 0 at
    /// minimum 1) and its continuations past both minima (docs/quantum.md).
    PathProfile profile;
    double profileSaddle = 0, profileMinimum2 = 0; ///< s of the saddle and of minimum 2
    bool mirrored1 = false, mirrored2 = false; ///< continuation past minimum 1 / 2 is the path's mirror image
    /// kStoredPathImages configurations evenly spaced along the resolved path, minima at the
    /// ends, unwrapped relative to minimum 1 (continuous motion), with the mass-weighted arc
    /// length of these configurations (chord sum) and their energy: what session files keep.
    std::vector<Eigen::VectorXd> pathImages;
    std::vector<double> pathImageS, pathImageEnergy;
    Eigen::VectorXd minimum1, minimum2, saddle;
};

inline constexpr int kStoredPathImages = 25;

enum class SaddleMethod { Neb, Ridge };
SaddleMethod parseSaddleMethod(const std::string& name); ///< "neb" or "ridge"
std::string saddleMethodName(SaddleMethod m);

struct DoubleWellOptions {
    SaddleMethod method = SaddleMethod::Neb;
    /// The ridge walk only brings the pair near the saddle; refinement finishes, as after NEB.
    RidgeOptions ridge{0.05, 1e-4, 0.8, 0.05, 5000, nullptr};
    NebOptions neb{7, 5.0, 0.05, 20000, true, 0.02, nullptr};
    double saddleForceTolerance = 1e-8;
    double sameDistance = 1e-3; ///< PHYSICS.md §3
    double sameEnergy = 1e-7;
    ReactionPathOptions path{};
    /// Pairs whose smaller barrier is below this are shoulders, not double wells: far below any
    /// TLS energy (1e-5 eps = 9 mK with the NiP mapping), no state can be bound in such a well.
    double minimumBarrier = 1e-5;
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

/// The resolved path of a verified saddle and the levels on it: the continuation past the minima
/// is doubled (up to 10 times) until the walls confine the two lowest levels, i.e. the WKB action
/// under each wall at E1 is at least 6 hbar (docs/quantum.md).
struct ResolvedLevels {
    bool ok = false;
    std::string message;
    ReactionPath path;
    QuantumLevels levels;
};
ResolvedLevels resolveLevels(EnergySurface& surface, const Eigen::VectorXd& saddle, const Eigen::VectorXd& minimum1,
                             const Eigen::VectorXd& minimum2, const Eigen::VectorXd& massPerParticle, double hbar,
                             ReactionPathOptions options = {});

/// The resolved reaction path of a characterised DWP (its saddle and minima set) and everything
/// that follows from it: levels, E_qs, profile, stored path images, isTls. What
/// analyzeDoubleWell does last, and what `tlscope-cli repath` redoes for a stored catalog.
/// False (with the reason, `w` unchanged) if the path cannot be resolved.
bool resolveDoubleWellLevels(EnergySurface& surface, DoubleWell& w, const Eigen::VectorXd& massPerParticle,
                             const DoubleWellOptions& options, std::string& reason);

/// Two minima are the same if, centre-of-mass shift removed, they are closer than `distance`
/// and their energies agree within `energy` (copies: Model::copies, each copy's shift removed).
bool sameMinimum(const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb,
                 double boxLength, const Eigen::VectorXd& mass, double distance, double energy, int copies = 1);

/// Finds the saddle between two minima (CI-NEB or the ridge method, then refinement), verifies
/// it with the Hessian (index 1) and by descending along +- its unstable mode, rejects shoulders
/// (smaller barrier below `minimumBarrier`), resolves the reaction path and solves the 1D
/// Schroedinger equation on it, and characterises the pair.
DoubleWellAnalysis analyzeDoubleWell(PairPotential& potential, const Eigen::VectorXd& minimum1,
                                     const Eigen::VectorXd& minimum2,
                                     const DoubleWellOptions& options = {});

} // namespace tlscope
