#include "core/tls/DoubleWell.h"

#include "core/landscape/Minimizer.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tlscope {

bool sameMinimum(const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb,
                 double L, const Eigen::VectorXd& mass, double dTol, double eTol) {
    return std::abs(ea - eb) < eTol && distance(a, b, L, mass) < dTol;
}

SaddleMethod parseSaddleMethod(const std::string& name) {
    if (name == "neb") return SaddleMethod::Neb;
    if (name == "ridge") return SaddleMethod::Ridge;
    throw InputError("unknown saddle method '" + name + "' (expected neb or ridge)");
}

std::string saddleMethodName(SaddleMethod m) { return m == SaddleMethod::Neb ? "neb" : "ridge"; }

namespace {

/// `count` configurations evenly spaced in arc length along a polyline of images with
/// cumulative arc lengths `s` (linear interpolation between neighbouring images).
std::vector<Eigen::VectorXd> resample(const EnergySurface& pot, const std::vector<Eigen::VectorXd>& images,
                                      const std::vector<double>& s, int count, std::vector<double>& sOut) {
    std::vector<Eigen::VectorXd> out;
    sOut.clear();
    std::size_t k = 0;
    for (int j = 0; j < count; ++j) {
        const double target = s.back() * j / (count - 1);
        while (k + 2 < s.size() && s[k + 1] < target) ++k;
        const double span = s[k + 1] - s[k];
        const double t = span > 0 ? std::clamp((target - s[k]) / span, 0.0, 1.0) : 0.0;
        out.push_back(images[k] + t * pot.displacement(images[k], images[k + 1]));
        sOut.push_back(target);
    }
    return out;
}

} // namespace

DoubleWellAnalysis analyzeDoubleWell(PairPotential& pot, const Eigen::VectorXd& m1,
                                     const Eigen::VectorXd& m2, const DoubleWellOptions& o) {
    DoubleWellAnalysis out;
    const Model& model = pot.model();
    const double L = pot.boxLength();
    const auto& species = pot.species();
    const Eigen::VectorXd mass = relativeMasses(model, species);

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
        if (!ridge.converged) {
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
    double signTo1 = 0.0;
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
        if (sameMinimum(x, r.energy, m1, e1, L, mass, o.sameDistance, o.sameEnergy)) {
            reached1 = true;
            signTo1 = sign;
        }
        reached2 |= sameMinimum(x, r.energy, m2, e2, L, mass, o.sameDistance, o.sameEnergy);
    }
    if (!reached1 || !reached2) {
        out.reason = "the saddle does not connect the two minima (descent reached another minimum)";
        return out;
    }
    DoubleWell& w = out.dwp;
    w.e1 = e1, w.e2 = e2, w.eSaddle = s.energy;
    w.asymmetry = std::abs(e2 - e1);
    w.barrier = s.energy - std::min(e1, e2);
    w.saddleIndex = s.negativeModes;
    const DisplacementProfile prof = displacementProfile(m1, m2, L, mass);
    w.d = prof.d, w.dMassWeighted = prof.dMassWeighted;
    w.centralParticle = prof.centralParticle;
    w.centralSpecies = species[static_cast<std::size_t>(prof.centralParticle)];
    w.centralDisplacement = prof.centralDisplacement;
    w.pr2 = prof.pr2, w.pr3 = prof.pr3, w.pr4 = prof.pr4;
    w.sortedProfile = prof.sorted;
    w.dReactionPath = distance(m1, s.x, L, mass) + distance(s.x, m2, L, mass);
    w.dMassWeightedReactionPath =
        massWeightedDistance(m1, s.x, L, mass) + massWeightedDistance(s.x, m2, L, mass);
    w.minimum1 = m1, w.minimum2 = m2, w.saddle = s.x;
    // The path: the band (refined saddle in place of the climbing image) for NEB; for the ridge
    // method, the steepest-descent paths from the saddle to both minima.
    std::vector<Eigen::VectorXd> images;
    if (o.method == SaddleMethod::Neb) {
        images = neb.images;
        images[static_cast<std::size_t>(neb.climbingIndex)] = s.x;
    } else {
        const Eigen::VectorXd kick = 1e-3 * s.unstableMode / maxAbs(s.unstableMode);
        std::vector<Eigen::VectorXd> to1 = steepestDescentPath(pot, s.x + signTo1 * kick, mass);
        std::vector<Eigen::VectorXd> to2 = steepestDescentPath(pot, s.x - signTo1 * kick, mass);
        images.push_back(m1);
        images.insert(images.end(), to1.rbegin(), to1.rend());
        images.push_back(s.x);
        images.insert(images.end(), to2.begin(), to2.end());
        images.push_back(m2);
    }
    double arc = 0.0;
    std::vector<double> arcs;
    for (std::size_t k = 0; k < images.size(); ++k) {
        if (k > 0) arc += massWeightedDistance(images[k - 1], images[k], L, mass);
        arcs.push_back(arc);
        w.path.s.push_back(arc);
        w.path.energy.push_back(pot.energy(images[k]));
    }
    w.pathImages = resample(pot, images, arcs, kStoredPathImages, w.pathImageS);
    w.pathImages.front() = m1;
    w.pathImages.back() = m2;
    for (const auto& x : w.pathImages) w.pathImageEnergy.push_back(pot.energy(x));
    const TunnelSplitting t = tunnelSplitting(w.path, o.hbar);
    w.splitting = t.splitting;
    w.wkbDelta0 = t.wkbDelta0;
    w.isTls = t.splitting < o.tlsThreshold;
    out.accepted = true;
    return out;
}

} // namespace tlscope
