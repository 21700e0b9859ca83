#include "core/tls/DoubleWell.h"

#include "core/landscape/Minimizer.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tlscope {

bool sameMinimum(const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb,
                 double L, const Eigen::VectorXd& mass, double dTol, double eTol, int copies) {
    return std::abs(ea - eb) < eTol && distance(a, b, L, mass, copies) < dTol;
}

SaddleMethod parseSaddleMethod(const std::string& name) {
    if (name == "neb") return SaddleMethod::Neb;
    if (name == "ridge") return SaddleMethod::Ridge;
    throw InputError("unknown saddle method '" + name + "' (expected neb or ridge)");
}

std::string saddleMethodName(SaddleMethod m) { return m == SaddleMethod::Neb ? "neb" : "ridge"; }

namespace {

/// `count` configurations evenly spaced in arc length along a fine polyline of configurations
/// with cumulative arc lengths `s` (linear interpolation between neighbours; the polyline is
/// continuous, so no minimum image is needed).
std::vector<Eigen::VectorXd> resample(const std::vector<Eigen::VectorXd>& images, const std::vector<double>& s,
                                      int count) {
    std::vector<Eigen::VectorXd> out;
    std::size_t k = 0;
    for (int j = 0; j < count; ++j) {
        const double target = s.back() * j / (count - 1);
        while (k + 2 < s.size() && s[k + 1] < target) ++k;
        const double span = s[k + 1] - s[k];
        const double t = span > 0 ? std::clamp((target - s[k]) / span, 0.0, 1.0) : 0.0;
        out.push_back(images[k] + t * (images[k + 1] - images[k]));
    }
    return out;
}

/// The WKB action under the wall beyond one end of the profile at energy e: how strongly the
/// wall confines a level there (e^{-action/hbar} is the amplitude left at the hard wall).
double wallAction(const PathProfile& p, bool left, double sMinimum, double e) {
    double action = 0.0;
    for (std::size_t k = 1; k < p.s.size(); ++k) {
        const bool outside = left ? p.s[k] <= sMinimum : p.s[k - 1] >= sMinimum;
        if (!outside) continue;
        const double v = 0.5 * (p.energy[k] + p.energy[k - 1]) - e;
        if (v > 0.0) action += std::sqrt(2.0 * v) * (p.s[k] - p.s[k - 1]);
    }
    return action;
}

} // namespace

// The wavefunction left at a hard wall behind an action S is ~exp(-S / hbar): 6 hbar leaves
// exp(-12) ~ 6e-6 of the probability there, far below the 1 % E_qs is converged to.
constexpr double kConfiningAction = 6.0;

ResolvedLevels resolveLevels(EnergySurface& surface, const Eigen::VectorXd& saddle, const Eigen::VectorXd& m1,
                             const Eigen::VectorXd& m2, const Eigen::VectorXd& mass, double hbar,
                             ReactionPathOptions options) {
    ResolvedLevels r;
    r.path = resolveReactionPath(surface, saddle, m1, m2, mass, options);
    for (int attempt = 0;; ++attempt) {
        if (!r.path.ok) {
            r.message = r.path.message;
            return r;
        }
        r.levels = solveDoubleWell(r.path.profile, 0.0, r.path.sSaddle, r.path.sMinimum2, hbar);
        const double confinement = std::min(wallAction(r.path.profile, true, 0.0, r.levels.e1),
                                            wallAction(r.path.profile, false, r.path.sMinimum2, r.levels.e1));
        if (confinement >= kConfiningAction * hbar) break;
        if (attempt == 10) {
            r.message = "the continuation past the minima does not confine the two lowest levels "
                        "(the energy turns down along a minimum's softest mode)";
            return r;
        }
        // Only the continuation changes: the path itself is reused.
        options.continuation *= 2.0;
        options.maxContinuation *= 2.0;
        continueReactionPath(surface, r.path, mass, options);
    }
    r.ok = true;
    return r;
}

DoubleWellAnalysis analyzeDoubleWell(PairPotential& pot, const Eigen::VectorXd& m1,
                                     const Eigen::VectorXd& m2, const DoubleWellOptions& o) {
    DoubleWellAnalysis out;
    const Model& model = pot.model();
    const double L = pot.boxLength();
    const auto& species = pot.species();
    const Eigen::VectorXd mass = relativeMasses(model, species);
    const int copies = model.copies;

    Eigen::VectorXd f;
    const double e1 = pot.energyAndForce(m1, f), e2 = pot.energy(m2);
    Eigen::VectorXd guess;
    NebResult neb;
    if (o.method == SaddleMethod::Neb) {
        NebOptions nebOptions = o.neb;
        nebOptions.stop = o.stop;
        neb = nudgedElasticBand(pot, m1, m2, nebOptions);
        if (!neb.converged) {
            out.reason = "NEB: " + neb.message;
            return out;
        }
        // An interior local minimum of the band means the path passes another minimum.
        for (std::size_t k = 1; k + 1 < neb.energies.size(); ++k)
            if (neb.energies[k] < neb.energies[k - 1] && neb.energies[k] < neb.energies[k + 1]) {
                out.reason = "the path passes an intermediate minimum (image " + std::to_string(k) + ")";
                return out;
            }
        guess = neb.images[static_cast<std::size_t>(neb.climbingIndex)];
    } else {
        RidgeOptions ridgeOptions = o.ridge;
        ridgeOptions.stop = o.stop;
        const RidgeResult ridge = ridgeSaddle(pot, m1, m2, ridgeOptions);
        // A walk that lost the ridge on a curved path still ends near it: its last straddled
        // maximum is a saddle guess for the refinement, whose result the descents then verify.
        if (!ridge.converged && !(ridge.x.size() == m1.size() && ridge.maxForce < 1.0 && !(o.stop && o.stop->load()))) {
            out.reason = "ridge: " + ridge.message;
            return out;
        }
        guess = ridge.x;
    }
    const SaddleResult s = refineSaddle(pot, guess, o.saddleForceTolerance);
    if (!s.converged) {
        std::ostringstream msg;
        msg << "saddle refinement failed (max force " << s.maxForce << ", Hessian index "
            << s.negativeModes << ")";
        out.reason = msg.str();
        return out;
    }
    // Descend from the saddle along +- the unstable mode; both minima must be reached.
    bool reached1 = false, reached2 = false;
    MinimizerOptions descent;
    descent.stop = o.stop;
    for (double sign : {-1.0, 1.0}) {
        Eigen::VectorXd x = s.x + sign * 0.02 * s.unstableMode / maxAbs(s.unstableMode);
        const auto r = minimize(pot, x, MinimizerKind::ConjugateGradient, descent);
        if (r.status == MinimizationStatus::Stopped) {
            out.reason = "stopped on request";
            return out;
        }
        if (!r.converged()) {
            out.reason = "descent from the saddle did not converge: " + r.describe();
            return out;
        }
        reached1 |= sameMinimum(x, r.energy, m1, e1, L, mass, o.sameDistance, o.sameEnergy, copies);
        reached2 |= sameMinimum(x, r.energy, m2, e2, L, mass, o.sameDistance, o.sameEnergy, copies);
    }
    if (!reached1 || !reached2) {
        out.reason = "the saddle does not connect the two minima (descent reached another minimum)";
        return out;
    }
    DoubleWell& w = out.dwp;
    w.e1 = e1, w.e2 = e2, w.eSaddle = s.energy;
    w.asymmetry = std::abs(e2 - e1);
    w.barrier = s.energy - std::min(e1, e2);
    w.barrier1 = s.energy - e1;
    w.barrier2 = s.energy - e2;
    if (std::min(w.barrier1, w.barrier2) < o.minimumBarrier) {
        std::ostringstream msg;
        msg << "a shoulder, not a double well: the barrier from minimum " << (w.barrier1 < w.barrier2 ? 1 : 2)
            << " is " << std::min(w.barrier1, w.barrier2) << " eps (< " << o.minimumBarrier << ")";
        out.reason = msg.str();
        return out;
    }
    w.saddleIndex = s.negativeModes;
    const DisplacementProfile prof = displacementProfile(m1, m2, L, mass, copies);
    w.d = prof.d, w.dMassWeighted = prof.dMassWeighted;
    w.centralParticle = prof.centralParticle;
    w.centralSpecies = species[static_cast<std::size_t>(prof.centralParticle)];
    w.centralDisplacement = prof.centralDisplacement;
    w.pr2 = prof.pr2, w.pr3 = prof.pr3, w.pr4 = prof.pr4;
    w.sortedProfile = prof.sorted;
    w.dReactionPath = distance(m1, s.x, L, mass, copies) + distance(s.x, m2, L, mass, copies);
    w.dMassWeightedReactionPath =
        massWeightedDistance(m1, s.x, L, mass, copies) + massWeightedDistance(s.x, m2, L, mass, copies);
    w.minimum1 = m1, w.minimum2 = m2, w.saddle = s.x;
    std::string reason;
    if (!resolveDoubleWellLevels(pot, w, mass, o, reason)) {
        out.reason = reason;
        return out;
    }
    out.accepted = true;
    return out;
}

bool resolveDoubleWellLevels(EnergySurface& pot, DoubleWell& w, const Eigen::VectorXd& mass, const DoubleWellOptions& o,
                             std::string& reason) {
    Eigen::VectorXd sqrtMass(w.minimum1.size());
    for (Eigen::Index i = 0; i < sqrtMass.size(); ++i) sqrtMass[i] = std::sqrt(mass[i / 3]);
    ReactionPathOptions pathOptions = o.path;
    pathOptions.stop = o.stop;
    ResolvedLevels resolved = resolveLevels(pot, w.saddle, w.minimum1, w.minimum2, mass, o.hbar, pathOptions);
    if (!resolved.ok) {
        reason = o.stop && o.stop->load() ? "stopped on request" : resolved.message;
        return false;
    }
    const ReactionPath& path = resolved.path;
    w.quantum = resolved.levels;
    w.profile = path.profile;
    w.profileSaddle = path.sSaddle;
    w.profileMinimum2 = path.sMinimum2;
    w.mirrored1 = path.mirrored1, w.mirrored2 = path.mirrored2;
    w.pathImages = resample(path.positions, path.s, kStoredPathImages);
    w.pathImages.front() = path.positions.front();
    w.pathImages.back() = path.positions.back();
    w.pathImageS.clear();
    w.pathImageEnergy.clear();
    double arc = 0.0;
    for (std::size_t k = 0; k < w.pathImages.size(); ++k) {
        if (k > 0) arc += (w.pathImages[k] - w.pathImages[k - 1]).cwiseProduct(sqrtMass).norm();
        w.pathImageS.push_back(arc);
        w.pathImageEnergy.push_back(pot.energy(w.pathImages[k]));
    }
    w.isTls = w.quantum.splitting < o.tlsThreshold;
    return true;
}

} // namespace tlscope
