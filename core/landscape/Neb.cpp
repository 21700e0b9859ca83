#include "core/landscape/Neb.h"

#include "core/common/Error.h"
#include "core/landscape/HessianAnalysis.h"
#include "core/landscape/Lanczos.h"
#include "core/landscape/Minimizer.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace tlscope {

NebResult nudgedElasticBand(EnergySurface& s, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                            const NebOptions& o) {
    if (o.interiorImages < 1) throw InputError("NEB needs at least one interior image");
    const int m = o.interiorImages + 2;
    NebResult r;
    const Eigen::VectorXd path = s.displacement(a, b);
    r.images.resize(m);
    for (int k = 0; k < m; ++k) r.images[k] = a + (static_cast<double>(k) / (m - 1)) * path;
    r.energies.assign(m, 0.0);
    std::vector<Eigen::VectorXd> force(m), nebForce(m), velocity(m);
    // One surface per image where the surface can be copied: images a distance apart would
    // otherwise rebuild a shared neighbour list at every evaluation (minutes per NEB at N = 1500
    // when the two minima differ by more than half the list's skin).
    std::vector<std::unique_ptr<EnergySurface>> own(static_cast<std::size_t>(m));
    for (auto& c : own) c = s.clone();
    auto surface = [&](int k) -> EnergySurface& { return own[static_cast<std::size_t>(k)] ? *own[static_cast<std::size_t>(k)] : s; };
    for (int k = 0; k < m; ++k) {
        r.energies[k] = surface(k).energyAndForce(r.images[k], force[k]);
        velocity[k] = Eigen::VectorXd::Zero(a.size());
    }
    double dt = 0.01, alpha = 0.1;
    int positive = 0;
    for (r.iterations = 0; r.iterations < o.maxIterations; ++r.iterations) {
        if (o.stop && o.stop->load(std::memory_order_relaxed)) {
            r.message = "stopped on request";
            return r;
        }
        r.climbingIndex = static_cast<int>(
            std::max_element(r.energies.begin() + 1, r.energies.end() - 1) - r.energies.begin());
        const bool climb = o.climbingImage && r.iterations > 50;
        double worst = 0.0;
        for (int k = 1; k < m - 1; ++k) {
            const Eigen::VectorXd plus = s.displacement(r.images[k], r.images[k + 1]);
            const Eigen::VectorXd minus = s.displacement(r.images[k - 1], r.images[k]);
            const double ep = r.energies[k + 1], e0 = r.energies[k], em = r.energies[k - 1];
            Eigen::VectorXd tangent;
            if (ep > e0 && e0 > em) {
                tangent = plus;
            } else if (ep < e0 && e0 < em) {
                tangent = minus;
            } else { // at an extremum: energy-weighted mix (improved tangent)
                const double dmax = std::max(std::abs(ep - e0), std::abs(em - e0));
                const double dmin = std::min(std::abs(ep - e0), std::abs(em - e0));
                tangent = ep > em ? (dmax * plus + dmin * minus).eval() : (dmin * plus + dmax * minus).eval();
            }
            tangent.normalize();
            const double parallel = force[k].dot(tangent);
            if (climb && k == r.climbingIndex) {
                nebForce[k] = force[k] - 2.0 * parallel * tangent;
            } else {
                nebForce[k] = force[k] - parallel * tangent +
                              o.springConstant * (plus.norm() - minus.norm()) * tangent;
            }
            worst = std::max(worst, maxAbs(nebForce[k]));
        }
        if (climb && worst < o.forceTolerance) {
            r.converged = true;
            r.message = "converged";
            return r;
        }
        // FIRE on the whole chain.
        double power = 0.0, fnorm2 = 0.0, vnorm2 = 0.0;
        for (int k = 1; k < m - 1; ++k) {
            power += nebForce[k].dot(velocity[k]);
            fnorm2 += nebForce[k].squaredNorm();
            vnorm2 += velocity[k].squaredNorm();
        }
        if (power > 0.0) {
            const double mix = alpha * std::sqrt(vnorm2 / std::max(fnorm2, 1e-300));
            for (int k = 1; k < m - 1; ++k) velocity[k] = (1 - alpha) * velocity[k] + mix * nebForce[k];
            if (++positive > 5) dt = std::min(dt * 1.1, 0.05), alpha *= 0.99;
        } else {
            positive = 0;
            dt *= 0.5;
            alpha = 0.1;
            for (int k = 1; k < m - 1; ++k) velocity[k].setZero();
        }
        for (int k = 1; k < m - 1; ++k) {
            velocity[k] += dt * nebForce[k];
            Eigen::VectorXd step = dt * velocity[k];
            const double big = maxAbs(step);
            if (big > o.maxStep) step *= o.maxStep / big;
            r.images[k] += step;
            r.energies[k] = surface(k).energyAndForce(r.images[k], force[k]);
        }
    }
    r.message = "NEB did not converge within the iteration limit";
    return r;
}

namespace {

/// Solves (P H P) h = b for h in the range of P (P projects out the columns of q) by conjugate
/// gradients, stopping at relative residual `tolerance`, after `maxIterations`, or at a
/// direction of non-positive curvature (then the iterate so far, or b itself, is returned: it
/// still points downhill).
Eigen::VectorXd projectedNewtonStep(const Eigen::SparseMatrix<double>& h, const Eigen::MatrixXd& q,
                                    const Eigen::VectorXd& b, double tolerance, int maxIterations) {
    auto project = [&](Eigen::VectorXd& v) { v.noalias() -= q * (q.transpose() * v); };
    Eigen::VectorXd x = Eigen::VectorXd::Zero(b.size()), r = b, p = b, ap;
    double rr = r.squaredNorm();
    const double stop = tolerance * tolerance * rr;
    for (int it = 0; it < maxIterations && rr > stop; ++it) {
        ap.noalias() = h * p;
        project(ap);
        const double curvature = p.dot(ap);
        if (!(curvature > 1e-12 * p.squaredNorm())) return it == 0 ? Eigen::VectorXd(b) : x;
        const double alpha = rr / curvature;
        x += alpha * p;
        r -= alpha * ap;
        const double rrNew = r.squaredNorm();
        p = r + (rrNew / rr) * p;
        rr = rrNew;
    }
    return x;
}

SaddleResult refineSaddleLanczos(EnergySurface& s, const Eigen::VectorXd& start, double ftol,
                                 long maxIterations, double maxStep) {
    SaddleResult r;
    r.x = start;
    Eigen::VectorXd f, guess;
    const Eigen::MatrixXd zero = s.zeroModeBasis();
    for (r.iterations = 0; r.iterations <= maxIterations; ++r.iterations) {
        r.energy = s.energyAndForce(r.x, f);
        r.maxForce = maxAbs(f);
        const Eigen::SparseMatrix<double> h = s.sparseHessian(r.x);
        LanczosOptions lo;
        lo.tolerance = 1e-7;
        if (guess.size()) lo.start = &guess;
        const LowestModes modes = lowestEigenpairs(h, 2, zero, lo);
        r.negativeModes = static_cast<int>((modes.values.array() < -1e-6).count());
        r.unstableMode = modes.vectors.col(0);
        r.unstableEigenvalue = modes.values[0];
        guess = r.unstableMode;
        if (r.maxForce < ftol) {
            r.converged = r.negativeModes == 1 && modes.converged;
            return r;
        }
        if (r.iterations == maxIterations) break;
        // Uphill along the lowest mode, a Newton step downhill in the rest (inexact: the
        // tolerance tightens as the force falls, which keeps the convergence superlinear).
        const Eigen::VectorXd& v1 = r.unstableMode;
        const double f1 = v1.dot(f);
        Eigen::MatrixXd q(f.size(), zero.cols() + 1);
        q << zero, v1;
        Eigen::VectorXd rest = f - q * (q.transpose() * f);
        Eigen::VectorXd step = (-f1 / std::max(std::abs(modes.values[0]), 1e-3)) * v1;
        step += projectedNewtonStep(h, q, rest, std::min(0.1, std::sqrt(r.maxForce)), 1000);
        const double big = maxAbs(step);
        if (big > maxStep) step *= maxStep / big;
        r.x += step;
    }
    r.converged = false;
    return r;
}

} // namespace

SaddleResult refineSaddle(EnergySurface& s, const Eigen::VectorXd& start, double ftol,
                          long maxIterations, double maxStep, EigenMethod method) {
    if (method == EigenMethod::Lanczos || (method == EigenMethod::Auto && s.dimension() > kDenseHessianLimit))
        return refineSaddleLanczos(s, start, ftol, maxIterations, maxStep);
    SaddleResult r;
    r.x = start;
    Eigen::VectorXd f;
    const int zero = s.zeroModeCount();
    for (r.iterations = 0; r.iterations <= maxIterations; ++r.iterations) {
        r.energy = s.energyAndForce(r.x, f);
        r.maxForce = maxAbs(f);
        const HessianAnalysis h = analyzeHessian(s.hessian(r.x), zero);
        r.negativeModes = h.negativeCount;
        r.unstableMode = h.eigenvectors.col(h.lowestNonZeroIndex);
        r.unstableEigenvalue = h.lowestNonZero;
        if (r.maxForce < ftol) {
            r.converged = r.negativeModes == 1;
            return r;
        }
        if (r.iterations == maxIterations) break;
        // Zero modes (translations) are identified as the smallest |eigenvalues|.
        std::vector<int> order(h.eigenvalues.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
        std::sort(order.begin(), order.end(), [&](int p, int q) {
            return std::abs(h.eigenvalues[p]) < std::abs(h.eigenvalues[q]);
        });
        std::vector<bool> skip(order.size(), false);
        for (int k = 0; k < std::min<int>(zero, static_cast<int>(order.size())); ++k) skip[order[k]] = true;
        Eigen::VectorXd step = Eigen::VectorXd::Zero(r.x.size());
        for (Eigen::Index i = 0; i < h.eigenvalues.size(); ++i) {
            if (skip[i]) continue;
            const double fi = h.eigenvectors.col(i).dot(f); // force component = -gradient
            const double lambda = std::max(std::abs(h.eigenvalues[i]), 1e-3);
            // uphill along the lowest mode, downhill along every other one
            const double hi = (i == h.lowestNonZeroIndex ? -fi : fi) / lambda;
            step += hi * h.eigenvectors.col(i);
        }
        const double big = maxAbs(step);
        if (big > maxStep) step *= maxStep / big;
        r.x += step;
    }
    r.converged = false;
    return r;
}

} // namespace tlscope
