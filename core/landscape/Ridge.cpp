#include "core/landscape/Ridge.h"

#include "core/common/Error.h"
#include "core/landscape/Minimizer.h"

#include <algorithm>
#include <cmath>

namespace tlscope {

namespace {

/// The maximum of E on the segment p + t (q - p), t in [0, 1]: a scan, then golden-section
/// refinement in the bracket around the best sample.
double segmentMaximum(EnergySurface& s, const Eigen::VectorXd& p, const Eigen::VectorXd& dir,
                      double& tBest, long& evaluations) {
    constexpr int samples = 10;
    double best = -HUGE_VAL;
    int kBest = 0;
    for (int k = 0; k <= samples; ++k) {
        const double e = s.energy(p + (static_cast<double>(k) / samples) * dir);
        ++evaluations;
        if (e > best) best = e, kBest = k;
    }
    double lo = std::max(0, kBest - 1) / double(samples), hi = std::min(samples, kBest + 1) / double(samples);
    const double g = 0.5 * (std::sqrt(5.0) - 1.0);
    double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
    double f1 = s.energy(p + x1 * dir), f2 = s.energy(p + x2 * dir);
    evaluations += 2;
    for (int it = 0; it < 40 && hi - lo > 1e-6; ++it) {
        if (f1 > f2) {
            hi = x2, x2 = x1, f2 = f1;
            x1 = hi - g * (hi - lo);
            f1 = s.energy(p + x1 * dir);
        } else {
            lo = x1, x1 = x2, f1 = f2;
            x2 = lo + g * (hi - lo);
            f2 = s.energy(p + x2 * dir);
        }
        ++evaluations;
    }
    const double t = 0.5 * (lo + hi);
    const double e = s.energy(p + t * dir);
    ++evaluations;
    if (e >= best) {
        tBest = t;
        return e;
    }
    tBest = static_cast<double>(kBest) / samples;
    return best;
}

/// Moves x downhill by at most `maxMove` (max-norm); returns false if the energy did not drop.
bool downhill(EnergySurface& s, Eigen::VectorXd& x, double maxMove, long& evaluations) {
    Eigen::VectorXd f;
    const double e0 = s.energyAndForce(x, f);
    ++evaluations;
    const double big = f.norm(); // Euclidean, like the pair separation
    if (big == 0.0) return false;
    for (double move = maxMove; move > 1e-3 * maxMove; move *= 0.5) {
        const Eigen::VectorXd trial = x + (move / big) * f;
        ++evaluations;
        if (s.energy(trial) < e0) {
            x = trial;
            return true;
        }
    }
    return false;
}

} // namespace

RidgeResult ridgeSaddle(EnergySurface& s, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                        const RidgeOptions& o) {
    if (!(o.initialSeparation > 0.0) || !(o.minimumSeparation > 0.0) || !(o.shrink > 0.0 && o.shrink < 1.0))
        throw InputError("ridge method: separations must be > 0 and shrink in (0, 1)");
    RidgeResult r;
    Eigen::VectorXd p = a, q = a + s.displacement(a, b);
    double sep = o.initialSeparation;
    Eigen::VectorXd f, previousP, previousQ, lastOnRidge;
    double lastEnergy = 0.0, lastForce = 0.0;
    bool havePrevious = false;
    for (r.cycles = 0; r.cycles < o.maxCycles; ++r.cycles) {
        if (o.stop && o.stop->load(std::memory_order_relaxed)) {
            r.message = "stopped on request";
            return r;
        }
        const Eigen::VectorXd dir = q - p;
        const double length = dir.norm();
        if (length == 0.0) {
            r.message = "the straddling pair collapsed";
            return r;
        }
        double t = 0.0;
        segmentMaximum(s, p, dir, t, r.energyEvaluations);
        r.x = p + t * dir;
        r.energy = s.energyAndForce(r.x, f);
        r.maxForce = maxAbs(f);
        ++r.energyEvaluations;
        if (t <= 0.0 || t >= 1.0) {
            // Both points slid to one side: step back to the last straddling pair with a
            // smaller separation (and hence smaller downhill moves).
            if (!havePrevious || sep <= o.minimumSeparation) {
                r.message = "the energy along the pair has no interior maximum (lost the ridge at cycle " + std::to_string(r.cycles) + ")";
                // Report the last point that was on the ridge, a guess for a refinement.
                if (lastOnRidge.size() > 0) r.x = lastOnRidge, r.energy = lastEnergy, r.maxForce = lastForce;
                else r.x.resize(0);
                return r;
            }
            p = previousP, q = previousQ;
            sep = std::max(o.minimumSeparation, 0.5 * sep);
            havePrevious = false;
            continue;
        }
        previousP = p, previousQ = q;
        havePrevious = true;
        lastOnRidge = r.x, lastEnergy = r.energy, lastForce = r.maxForce;
        if (r.maxForce < o.forceTolerance) {
            r.converged = true;
            return r;
        }
        // Re-centre the pair on the maximum, then let each side slide downhill by less than
        // the separation so that it cannot cross the ridge.
        const Eigen::VectorXd unit = dir / length;
        const double half = std::min(sep, 0.5 * length);
        p = r.x - half * unit;
        q = r.x + half * unit;
        const bool movedP = downhill(s, p, 0.5 * half, r.energyEvaluations);
        const bool movedQ = downhill(s, q, 0.5 * half, r.energyEvaluations);
        // Shrink once the walk along the ridge stalls, to resolve the saddle more finely.
        if ((!movedP && !movedQ) || r.cycles % 20 == 19) sep = std::max(o.minimumSeparation, sep * o.shrink);
    }
    r.message = "no convergence in " + std::to_string(o.maxCycles) + " cycles (max force " +
                std::to_string(r.maxForce) + ")";
    return r;
}

} // namespace tlscope
