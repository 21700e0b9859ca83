#include "core/tls/DoubleWell.h"

#include "core/landscape/Minimizer.h"

#include <cmath>
#include <sstream>

namespace tlscope {

bool sameMinimum(const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb,
                 double L, const Eigen::VectorXd& mass, double dTol, double eTol) {
    return std::abs(ea - eb) < eTol && distance(a, b, L, mass) < dTol;
}

DoubleWellAnalysis analyzeDoubleWell(PairPotential& pot, const Eigen::VectorXd& m1,
                                     const Eigen::VectorXd& m2, const DoubleWellOptions& o) {
    DoubleWellAnalysis out;
    const Model& model = pot.model();
    const double L = pot.boxLength();
    const auto& species = pot.species();
    Eigen::VectorXd mass(static_cast<Eigen::Index>(species.size()));
    for (std::size_t i = 0; i < species.size(); ++i) mass[static_cast<Eigen::Index>(i)] = model.species[species[i]].mass / model.species[0].mass;

    Eigen::VectorXd f;
    const double e1 = pot.energyAndForce(m1, f), e2 = pot.energy(m2);
    const NebResult neb = nudgedElasticBand(pot, m1, m2, o.neb);
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
    const SaddleResult s = refineSaddle(pot, neb.images[neb.climbingIndex], o.saddleForceTolerance);
    if (!s.converged) {
        std::ostringstream msg;
        msg << "saddle refinement failed (max force " << s.maxForce << ", Hessian index "
            << s.negativeModes << ")";
        out.reason = msg.str();
        return out;
    }
    // Descend from the saddle along +- the unstable mode; both minima must be reached.
    bool reached1 = false, reached2 = false;
    for (double sign : {-1.0, 1.0}) {
        Eigen::VectorXd x = s.x + sign * 0.02 * s.unstableMode / maxAbs(s.unstableMode);
        const auto r = minimize(pot, x, MinimizerKind::ConjugateGradient, {});
        if (!r.converged()) {
            out.reason = "descent from the saddle did not converge: " + r.describe();
            return out;
        }
        reached1 |= sameMinimum(x, r.energy, m1, e1, L, mass, o.sameDistance, o.sameEnergy);
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
    // Energy profile along the band (refined saddle in place of the climbing image),
    // parameterised by mass-weighted arc length.
    std::vector<Eigen::VectorXd> images = neb.images;
    images[static_cast<std::size_t>(neb.climbingIndex)] = s.x;
    double arc = 0.0;
    for (std::size_t k = 0; k < images.size(); ++k) {
        if (k > 0) arc += massWeightedDistance(images[k - 1], images[k], L, mass);
        w.path.s.push_back(arc);
        w.path.energy.push_back(pot.energy(images[k]));
    }
    const TunnelSplitting t = tunnelSplitting(w.path, o.hbar);
    w.splitting = t.splitting;
    w.wkbDelta0 = t.wkbDelta0;
    w.isTls = t.splitting < o.tlsThreshold;
    out.accepted = true;
    return out;
}

} // namespace tlscope
