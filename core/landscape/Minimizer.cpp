#include "core/landscape/Minimizer.h"

#include "core/common/Error.h"
#include "core/potential/PairKernel.h"

#include <cmath>
#include <algorithm>
#include <limits>
#include <sstream>

namespace tlscope {

MinimizerKind parseMinimizer(const std::string& name) {
    if (name == "cg") return MinimizerKind::ConjugateGradient;
    if (name == "fire") return MinimizerKind::Fire;
    if (name == "lbfgs") return MinimizerKind::Lbfgs;
    throw InputError("unknown minimizer '" + name + "', expected cg, fire or lbfgs");
}

std::string minimizerName(MinimizerKind kind) {
    switch (kind) {
    case MinimizerKind::ConjugateGradient: return "cg";
    case MinimizerKind::Fire: return "fire";
    case MinimizerKind::Lbfgs: return "lbfgs";
    }
    return "cg";
}

std::string MinimizationResult::describe() const {
    std::ostringstream out;
    out.precision(3);
    switch (status) {
    case MinimizationStatus::Converged: out << "converged"; break;
    case MinimizationStatus::MaxIterations: out << "did not converge within the iteration limit"; break;
    case MinimizationStatus::LineSearchFailed: out << "line search failed (no descent possible)"; break;
    case MinimizationStatus::NonFinite: out << "energy or force became non-finite"; break;
    case MinimizationStatus::Stopped: out << "stopped on request"; break;
    case MinimizationStatus::Recognised: out << "recognised as a known minimum"; break;
    }
    out << " after " << iterations << " iterations (" << forceEvaluations
        << " force evaluations), max force " << std::scientific << maxForce;
    return out.str();
}

namespace {

/// Evaluation counter around a surface.
struct Evaluator {
    EnergySurface& surface;
    long count = 0;
    double operator()(const Eigen::VectorXd& x, Eigen::VectorXd& f) {
        ++count;
        return surface.energyAndForce(x, f);
    }
};

struct LineSearchResult {
    bool ok = false;
    double alpha = 0.0;
};

/// Finds alpha along descent direction d with a sufficient energy decrease (up to rounding) and
/// |dE/dalpha| <= eta |dE/dalpha(0)|. It brackets a zero of the directional derivative and
/// refines it by safeguarded secant steps: near a minimum energy differences drown in rounding,
/// while the derivative stays accurate, which is what lets CG reach max forces of 1e-10.
/// On success x, e, f hold the new point.
LineSearchResult lineSearch(Evaluator& eval, Eigen::VectorXd& x, double& e, Eigen::VectorXd& f,
                            const Eigen::VectorXd& d, double alpha0, double eta) {
    const double g0 = -f.dot(d);
    if (!(g0 < 0.0)) return {};
    const double energyNoise = 1e-12 * std::max(1.0, std::abs(e));
    const double c1 = 1e-4;
    double aLo = 0.0, gLo = g0;
    double aHi = std::numeric_limits<double>::infinity(), gHi = 0.0;
    bool hiHasSlope = false;
    double a = alpha0;
    Eigen::VectorXd xt(x.size()), ft(x.size());
    double bestE = e, bestA = 0.0;
    Eigen::VectorXd bestF;
    for (int iter = 0; iter < 60; ++iter) {
        xt = x + a * d;
        const double et = eval(xt, ft);
        if (!std::isfinite(et)) {
            aHi = a;
            hiHasSlope = false;
        } else {
            const double ga = -ft.dot(d);
            const bool decrease = et <= e + c1 * a * g0 + energyNoise;
            if (decrease && std::abs(ga) <= eta * std::abs(g0)) {
                x = xt;
                e = et;
                f = ft;
                return {true, a};
            }
            if (decrease && et < bestE) {
                bestE = et;
                bestA = a;
                bestF = ft;
            }
            if (!decrease || ga > 0.0) {
                aHi = a;
                gHi = ga;
                hiHasSlope = decrease && ga > 0.0;
            } else {
                aLo = a;
                gLo = ga;
            }
        }
        if (std::isinf(aHi)) {
            a *= 3.0; // still descending: expand
            continue;
        }
        const double width = aHi - aLo;
        if (width <= 1e-14 * std::max(1.0, aHi)) break;
        double next = 0.5 * (aLo + aHi);
        if (hiHasSlope && gHi != gLo) {
            const double secant = aLo - gLo * width / (gHi - gLo);
            if (secant > aLo + 0.05 * width && secant < aHi - 0.05 * width) next = secant;
        }
        a = next;
    }
    if (bestA > 0.0) { // accept the best decrease found even if the curvature test failed
        x += bestA * d;
        e = bestE;
        f = bestF;
        return {true, bestA};
    }
    return {};
}

MinimizationResult finish(MinimizationResult r, const Evaluator& eval, double e,
                          const Eigen::VectorXd& f) {
    r.forceEvaluations = eval.count;
    r.energy = e;
    r.maxForce = maxAbs(f);
    if (!std::isfinite(e) || !std::isfinite(r.maxForce)) r.status = MinimizationStatus::NonFinite;
    return r;
}

bool stopRequested(const MinimizerOptions& o) {
    return o.stop && o.stop->load(std::memory_order_relaxed);
}

/// True when the iteration must end: converged, stop requested, or non-finite (the status
/// says which; `finish` turns non-finite values into NonFinite).
bool done(MinimizationResult& r, const MinimizerOptions& o, const Eigen::VectorXd& x, double e,
          const Eigen::VectorXd& f) {
    if (!std::isfinite(e)) return true;
    const double fmax = maxAbs(f);
    if (fmax < o.forceTolerance) {
        r.status = MinimizationStatus::Converged;
        return true;
    }
    if (o.recognise && fmax < o.recogniseBelow && o.recognise(x, e)) {
        r.status = MinimizationStatus::Recognised;
        return true;
    }
    if (stopRequested(o)) {
        r.status = MinimizationStatus::Stopped;
        return true;
    }
    return false;
}

MinimizationResult conjugateGradient(EnergySurface& s, Eigen::VectorXd& x,
                                     const MinimizerOptions& o) {
    Evaluator eval{s};
    MinimizationResult r;
    Eigen::VectorXd f, fOld, d;
    double e = eval(x, f);
    d = f;
    double alpha = o.maxDisplacement * 0.1 / std::max(maxAbs(d), 1e-300);
    const Eigen::Index restartEvery = std::max<Eigen::Index>(x.size(), 50);
    Eigen::Index sinceRestart = 0;
    for (r.iterations = 0; r.iterations < o.maxIterations; ++r.iterations) {
        if (done(r, o, x, e, f)) return finish(r, eval, e, f);
        const double dmax = maxAbs(d);
        alpha = std::min(alpha, o.maxDisplacement / dmax);
        fOld = f;
        const double slopeOld = f.dot(d);
        auto ls = lineSearch(eval, x, e, f, d, alpha, 0.1);
        if (!ls.ok) {
            if (sinceRestart == 0) {
                r.status = MinimizationStatus::LineSearchFailed;
                return finish(r, eval, e, f);
            }
            d = f; // restart along steepest descent
            sinceRestart = 0;
            alpha = o.maxDisplacement * 0.1 / std::max(maxAbs(d), 1e-300);
            continue;
        }
        // Polak-Ribiere with the non-negativity reset (PR+).
        const double beta = std::max(0.0, f.dot(f - fOld) / fOld.squaredNorm());
        Eigen::VectorXd dNew = f + beta * d;
        ++sinceRestart;
        if (dNew.dot(f) <= 0.0 || sinceRestart >= restartEvery) {
            dNew = f;
            sinceRestart = 0;
        }
        // Initial step for the next search: assume the same first-order change (N&W 3.60).
        const double slopeNew = f.dot(dNew);
        alpha = ls.alpha * slopeOld / slopeNew;
        if (!std::isfinite(alpha) || alpha <= 0.0) alpha = ls.alpha;
        d = std::move(dNew);
    }
    return finish(r, eval, e, f);
}

MinimizationResult lbfgs(EnergySurface& s, Eigen::VectorXd& x, const MinimizerOptions& o) {
    // History in two column ring buffers (no allocation per iteration): at N = 65 a force call
    // costs ~5 us, so the bookkeeping of the two-loop recursion must stay well below that.
    Evaluator eval{s};
    MinimizationResult r;
    const Eigen::Index dim = x.size();
    const int memory = std::max(1, o.lbfgsMemory);
    Eigen::MatrixXd S(dim, memory), Y(dim, memory);
    Eigen::VectorXd rho(memory), a(memory);
    int stored = 0, newest = -1; // columns in use; index of the newest pair
    Eigen::VectorXd f, fOld(dim), xOld(dim), d(dim);
    const kernel::VectorOps ops = kernel::vectorOps(kernel::activePath());
    double e = eval(x, f);
    for (r.iterations = 0; r.iterations < o.maxIterations; ++r.iterations) {
        if (done(r, o, x, e, f)) return finish(r, eval, e, f);
        // Two-loop recursion: d = -H g with g = -f (the vector operations at the force
        // kernel's SIMD width: with SSE2 they were a third of the cost of a force call at N = 65).
        d = f;
        double* dp = d.data();
        for (int k = 0; k < stored; ++k) {
            const int c = (newest - k + memory) % memory;
            a[c] = rho[c] * ops.dot(S.col(c).data(), dp, dim);
            ops.axpy(-a[c], Y.col(c).data(), dp, dim);
        }
        double gamma = 0.01;
        if (stored > 0)
            gamma = ops.dot(S.col(newest).data(), Y.col(newest).data(), dim) /
                    ops.dot(Y.col(newest).data(), Y.col(newest).data(), dim);
        d *= gamma;
        for (int k = stored; k-- > 0;) {
            const int c = (newest - k + memory) % memory;
            const double b = rho[c] * ops.dot(Y.col(c).data(), dp, dim);
            ops.axpy(a[c] - b, S.col(c).data(), dp, dim);
        }
        if (d.dot(f) <= 0.0) { // not a descent direction: forget the history
            stored = 0;
            d = 0.01 * f;
        }
        const double alpha = std::min(1.0, o.maxDisplacement / maxAbs(d));
        xOld = x;
        fOld = f;
        auto ls = lineSearch(eval, x, e, f, d, alpha, 0.9);
        if (!ls.ok) {
            if (stored == 0) {
                r.status = MinimizationStatus::LineSearchFailed;
                return finish(r, eval, e, f);
            }
            stored = 0;
            continue;
        }
        const int c = (newest + 1) % memory;
        S.col(c) = x - xOld;
        Y.col(c) = fOld - f; // y = g_new - g_old
        const double sy = ops.dot(S.col(c).data(), Y.col(c).data(), dim);
        if (sy > 1e-300) {
            rho[c] = 1.0 / sy;
            newest = c;
            stored = std::min(stored + 1, memory);
        }
    }
    return finish(r, eval, e, f);
}

MinimizationResult fire(EnergySurface& s, Eigen::VectorXd& x, const MinimizerOptions& o) {
    // FIRE (Bitzek et al. 2006) with unit masses and the standard parameters.
    Evaluator eval{s};
    MinimizationResult r;
    Eigen::VectorXd f, v = Eigen::VectorXd::Zero(x.size());
    double e = eval(x, f);
    double dt = 0.002, alpha = 0.1;
    const double dtMax = 0.02, alphaStart = 0.1;
    int positiveSteps = 0;
    for (r.iterations = 0; r.iterations < o.maxIterations; ++r.iterations) {
        if (done(r, o, x, e, f)) return finish(r, eval, e, f);
        const double power = f.dot(v);
        if (power > 0.0) {
            const double fn = f.norm(), vn = v.norm();
            v = (1.0 - alpha) * v + alpha * vn / fn * f;
            if (++positiveSteps > 5) {
                dt = std::min(dt * 1.1, dtMax);
                alpha *= 0.99;
            }
        } else {
            positiveSteps = 0;
            dt *= 0.5;
            alpha = alphaStart;
            x -= 0.5 * dt * v; // step back half a step (Guenole et al. 2020)
            v.setZero();
        }
        v += dt * f;
        Eigen::VectorXd step = dt * v;
        const double big = maxAbs(step);
        if (big > o.maxDisplacement) step *= o.maxDisplacement / big;
        x += step;
        e = eval(x, f);
        if (dt < 1e-12) {
            r.status = MinimizationStatus::LineSearchFailed;
            return finish(r, eval, e, f);
        }
    }
    return finish(r, eval, e, f);
}

} // namespace

MinimizationResult minimize(EnergySurface& surface, Eigen::VectorXd& x, MinimizerKind kind,
                            const MinimizerOptions& options) {
    if (!(options.forceTolerance > 0.0)) throw InputError("force tolerance must be > 0");
    switch (kind) {
    case MinimizerKind::ConjugateGradient: return conjugateGradient(surface, x, options);
    case MinimizerKind::Fire: return fire(surface, x, options);
    case MinimizerKind::Lbfgs: return lbfgs(surface, x, options);
    }
    return {};
}

} // namespace tlscope
