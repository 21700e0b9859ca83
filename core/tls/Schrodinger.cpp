#include "core/tls/Schrodinger.h"

#include "core/common/Error.h"

#include <Eigen/Dense>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace tlscope {

namespace {

/// Number of eigenvalues below x of the symmetric tridiagonal matrix (diag, constant off-diagonal
/// -t): the negative pivots of the LDL^T factorisation of T - x (Sylvester's law of inertia).
int countBelow(const Eigen::VectorXd& diag, double t, double x) {
    int count = 0;
    double d = 1.0;
    const double t2 = t * t, tiny = 1e-300;
    for (Eigen::Index i = 0; i < diag.size(); ++i) {
        d = diag[i] - x - (i > 0 ? t2 / d : 0.0);
        if (d == 0.0) d = -tiny;
        if (d < 0.0) ++count;
    }
    return count;
}

} // namespace

Eigen::VectorXd lowestLevels(const Eigen::VectorXd& v, double h, double hbar, int count) {
    const Eigen::Index n = v.size();
    if (n < 3 || count < 1 || count > n) throw InputError("lowestLevels: grid too small");
    if (!v.allFinite()) throw NumericalError("lowestLevels: the potential has a non-finite value");
    const double t = hbar * hbar / (2.0 * h * h);
    const Eigen::VectorXd diag = v.array() + 2.0 * t;
    // Sturm-sequence bisection: O(n) per probe, to rounding, for the few levels we need (a full
    // tridiagonal QR is O(n^2) and was most of the time of a DWP analysis).
    const double lower = diag.minCoeff() - 2.0 * t, upper = diag.maxCoeff() + 2.0 * t;
    Eigen::VectorXd levels(count);
    for (int k = 0; k < count; ++k) {
        double lo = k > 0 ? levels[k - 1] : lower, hi = upper;
        for (int it = 0; it < 200; ++it) {
            const double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) break; // adjacent doubles: converged to rounding
            (countBelow(diag, t, mid) > k ? hi : lo) = mid;
        }
        levels[k] = 0.5 * (lo + hi);
    }
    return levels;
}

Eigen::VectorXd levelWavefunction(const Eigen::VectorXd& v, double h, double hbar, double level) {
    const Eigen::Index n = v.size();
    if (n < 3) throw InputError("levelWavefunction: grid too small");
    const double t = hbar * hbar / (2.0 * h * h);
    // Shift slightly off the eigenvalue so that (H - shift) is invertible; the error of the
    // eigenvalue is at rounding level, far below any level spacing we resolve.
    const double shift = level - 1e-10 * std::max(1.0, std::abs(level)) - 1e-14 * t;
    Eigen::VectorXd psi = Eigen::VectorXd::Ones(n);
    Eigen::VectorXd c(n), d(n);
    for (int sweep = 0; sweep < 3; ++sweep) {
        // Thomas algorithm for the tridiagonal system (H - shift) x = psi.
        double b0 = v[0] + 2 * t - shift;
        c[0] = -t / b0;
        d[0] = psi[0] / b0;
        for (Eigen::Index i = 1; i < n; ++i) {
            const double m = v[i] + 2 * t - shift + t * c[i - 1];
            c[i] = -t / m;
            d[i] = (psi[i] + t * d[i - 1]) / m;
        }
        psi[n - 1] = d[n - 1];
        for (Eigen::Index i = n - 2; i >= 0; --i) psi[i] = d[i] - c[i] * psi[i + 1];
        const double norm = psi.norm();
        if (!(norm > 0.0) || !std::isfinite(norm)) throw NumericalError("inverse iteration failed for a level");
        psi /= norm;
    }
    return psi;
}

const char* localisationName(Localisation where) {
    switch (where) {
    case Localisation::Well1: return "well 1";
    case Localisation::Well2: return "well 2";
    case Localisation::Both: break;
    }
    return "both";
}

namespace {

/// Monotone cubic Hermite interpolation (Fritsch-Carlson): no spurious wiggles between samples.
class MonotoneCubic {
public:
    MonotoneCubic(std::vector<double> x, std::vector<double> y) : x_(std::move(x)), y_(std::move(y)) {
        const std::size_t n = x_.size();
        std::vector<double> delta(n - 1);
        for (std::size_t i = 0; i + 1 < n; ++i) delta[i] = (y_[i + 1] - y_[i]) / (x_[i + 1] - x_[i]);
        m_.assign(n, 0.0);
        m_[0] = delta[0];
        m_[n - 1] = delta[n - 2];
        for (std::size_t i = 1; i + 1 < n; ++i)
            m_[i] = delta[i - 1] * delta[i] <= 0.0 ? 0.0 : 0.5 * (delta[i - 1] + delta[i]);
        for (std::size_t i = 0; i + 1 < n; ++i) {
            if (delta[i] == 0.0) {
                m_[i] = m_[i + 1] = 0.0;
                continue;
            }
            const double a = m_[i] / delta[i], b = m_[i + 1] / delta[i];
            const double r = a * a + b * b;
            if (r > 9.0) {
                const double tau = 3.0 / std::sqrt(r);
                m_[i] = tau * a * delta[i];
                m_[i + 1] = tau * b * delta[i];
            }
        }
    }
    double operator()(double x) const {
        const auto it = std::upper_bound(x_.begin(), x_.end(), x);
        std::size_t i = static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, it - x_.begin() - 1));
        i = std::min(i, x_.size() - 2);
        const double h = x_[i + 1] - x_[i], t = (x - x_[i]) / h;
        const double t2 = t * t, t3 = t2 * t;
        return (2 * t3 - 3 * t2 + 1) * y_[i] + (t3 - 2 * t2 + t) * h * m_[i] +
               (-2 * t3 + 3 * t2) * y_[i + 1] + (t3 - t2) * h * m_[i + 1];
    }

private:
    std::vector<double> x_, y_, m_;
};

/// Harmonic frequency at a minimum of the profile: a least-squares cubic through the seven
/// samples nearest to it (the cubic term keeps an uneven spread of samples from biasing the
/// curvature; the samples are the resolved path, not the interpolant).
double wellFrequency(const PathProfile& p, double sMin) {
    std::vector<std::size_t> idx(p.s.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    const std::size_t k = std::min<std::size_t>(7, idx.size());
    std::partial_sort(idx.begin(), idx.begin() + static_cast<long>(k), idx.end(),
                      [&](std::size_t a, std::size_t b) { return std::abs(p.s[a] - sMin) < std::abs(p.s[b] - sMin); });
    Eigen::MatrixXd a(k, 4);
    Eigen::VectorXd y(k);
    for (std::size_t r = 0; r < k; ++r) {
        const double x = p.s[idx[r]] - sMin;
        a(static_cast<Eigen::Index>(r), 0) = 1.0;
        a(static_cast<Eigen::Index>(r), 1) = x;
        a(static_cast<Eigen::Index>(r), 2) = x * x;
        a(static_cast<Eigen::Index>(r), 3) = x * x * x;
        y[static_cast<Eigen::Index>(r)] = p.energy[idx[r]];
    }
    const Eigen::Vector4d c = a.colPivHouseholderQr().solve(y);
    return std::sqrt(std::max(2.0 * c[2], 0.0));
}

} // namespace

QuantumLevels solveDoubleWell(const PathProfile& p, double sMin1, double sBarrier, double sMin2,
                              double hbar, int gridPoints) {
    const std::size_t n = p.s.size();
    if (n < 3 || p.energy.size() != n) throw InputError("path profile needs at least 3 points");
    for (std::size_t i = 1; i < n; ++i)
        if (!(p.s[i] > p.s[i - 1])) throw InputError("path arc length must increase");
    for (double e : p.energy)
        if (!std::isfinite(e)) throw NumericalError("the path profile has a non-finite energy");
    if (!(p.s.front() < sMin1 && sMin1 < sBarrier && sBarrier < sMin2 && sMin2 < p.s.back()))
        throw InputError("path profile: the minima and the barrier must lie inside the profile, in order");
    if (!(hbar > 0.0) || gridPoints < 16) throw InputError("solveDoubleWell: hbar > 0 and >= 16 grid points");

    const MonotoneCubic v(p.s, p.energy);
    const double lo = p.s.front(), hi = p.s.back();
    const double h = (hi - lo) / (gridPoints - 1);
    Eigen::VectorXd grid(gridPoints);
    for (int k = 0; k < gridPoints; ++k) grid[k] = v(lo + k * h);

    QuantumLevels q;
    const Eigen::VectorXd levels = lowestLevels(grid, h, hbar, 2);
    q.e0 = levels[0];
    q.e1 = levels[1];
    q.splitting = q.e1 - q.e0;
    // The barrier top divides the wells; grid point i stands for [i - 1/2, i + 1/2] h.
    const double cutAt = (sBarrier - lo) / h;
    auto weightWell1 = [&](double level) {
        const Eigen::VectorXd psi = levelWavefunction(grid, h, hbar, level);
        double w = 0.0;
        for (int i = 0; i < gridPoints && i - 0.5 < cutAt; ++i) w += psi[i] * psi[i] * std::clamp(cutAt - (i - 0.5), 0.0, 1.0);
        return w;
    };
    auto classify = [](double w1) {
        return w1 >= 0.9 ? Localisation::Well1 : w1 <= 0.1 ? Localisation::Well2 : Localisation::Both;
    };
    q.level0Well1 = weightWell1(q.e0);
    q.level1Well1 = weightWell1(q.e1);
    q.level0 = classify(q.level0Well1);
    q.level1 = classify(q.level1Well1);
    // Each well alone: the profile up to the barrier top, a hard wall exactly there (its own
    // grid of the same spacing, so mirror-image wells get identical levels).
    auto ground = [&](double a, double b) {
        const int m = std::max(16, static_cast<int>(std::lround((b - a) / h)) - 1);
        const double hm = (b - a) / (m + 1);
        Eigen::VectorXd g(m);
        for (int k = 0; k < m; ++k) g[k] = v(a + (k + 1) * hm);
        return lowestLevels(g, hm, hbar, 1)[0];
    };
    q.groundWell1 = ground(lo - h, sBarrier);
    q.groundWell2 = ground(sBarrier, hi + h);
    q.quantumAsymmetry = std::abs(q.groundWell2 - q.groundWell1);
    q.omega1 = wellFrequency(p, sMin1);
    q.omega2 = wellFrequency(p, sMin2);
    // WKB tunnelling amplitude between the two localised ground states (Landau & Lifshitz §50):
    // hbar omega / pi exp(-S / hbar), with omega the geometric mean of the wells' frequencies and
    // S the action under the barrier at the mean of the two ground levels.
    const double e = 0.5 * (q.groundWell1 + q.groundWell2);
    const int steps = 20000;
    const double ds = (sMin2 - sMin1) / steps;
    for (int k = 0; k < steps; ++k) {
        const double excess = v(sMin1 + (k + 0.5) * ds) - e;
        if (excess > 0.0) q.wkbAction += std::sqrt(2.0 * excess) * ds;
    }
    q.delta0 = hbar * std::sqrt(q.omega1 * q.omega2) / M_PI * std::exp(-q.wkbAction / hbar);
    q.twoLevelEnergy = std::hypot(q.quantumAsymmetry, q.delta0);
    return q;
}

} // namespace tlscope
