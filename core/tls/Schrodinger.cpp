#include "core/tls/Schrodinger.h"

#include "core/common/Error.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace tlscope {

Eigen::VectorXd lowestLevels(const Eigen::VectorXd& v, double h, double hbar, int count) {
    const Eigen::Index n = v.size();
    if (n < 3 || count < 1 || count > n) throw InputError("lowestLevels: grid too small");
    const double t = hbar * hbar / (2.0 * h * h);
    Eigen::VectorXd diag = v.array() + 2.0 * t;
    Eigen::VectorXd off = Eigen::VectorXd::Constant(n - 1, -t);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver;
    solver.computeFromTridiagonal(diag, off, Eigen::EigenvaluesOnly);
    if (solver.info() != Eigen::Success) throw NumericalError("tridiagonal eigensolver failed");
    return solver.eigenvalues().head(count);
}

namespace {

/// Monotone cubic Hermite interpolation (Fritsch-Carlson): no spurious wiggles between images.
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

} // namespace

TunnelSplitting tunnelSplitting(const PathProfile& p, double hbar, int gridPoints) {
    const std::size_t n = p.s.size();
    if (n < 3 || p.energy.size() != n) throw InputError("path profile needs at least 3 points");
    for (std::size_t i = 1; i < n; ++i)
        if (!(p.s[i] > p.s[i - 1])) throw InputError("path arc length must increase");
    // Mirror the profile about both end minima so the wells close on both sides.
    std::vector<double> s, e;
    const double s0 = p.s.front(), s1 = p.s.back();
    for (std::size_t i = n - 1; i >= 1; --i) s.push_back(2 * s0 - p.s[i]), e.push_back(p.energy[i]);
    for (std::size_t i = 0; i < n; ++i) s.push_back(p.s[i]), e.push_back(p.energy[i]);
    for (std::size_t i = n - 1; i-- > 0;) s.push_back(2 * s1 - p.s[i]), e.push_back(p.energy[i]);
    MonotoneCubic v(s, e);
    const double lo = s.front(), hi = s.back();
    const double h = (hi - lo) / (gridPoints - 1);
    Eigen::VectorXd grid(gridPoints);
    for (int k = 0; k < gridPoints; ++k) grid[k] = v(lo + k * h);
    const Eigen::VectorXd levels = lowestLevels(grid, h, hbar, 2);
    TunnelSplitting r;
    r.e0 = levels[0];
    r.e1 = levels[1];
    r.splitting = levels[1] - levels[0];
    // Harmonic frequency of the lower end well from the profile's curvature there.
    const bool firstLower = p.energy.front() <= p.energy.back();
    // With the mirrored continuation V(s0 - d) = V(s0 + d), the 3-point second difference
    // over the nearest sample is 2 (V(s0 + d) - V(s0)) / d^2.
    const double d = firstLower ? p.s[1] - p.s[0] : p.s[n - 1] - p.s[n - 2];
    const double curvature =
        firstLower ? 2 * (p.energy[1] - p.energy[0]) / (d * d)
                   : 2 * (p.energy[n - 2] - p.energy[n - 1]) / (d * d);
    r.omega = std::sqrt(std::max(curvature, 0.0));
    const double e0 = std::min(p.energy.front(), p.energy.back()) + 0.5 * hbar * r.omega;
    double action = 0.0;
    const int steps = 20000;
    const double ds = (s1 - s0) / steps;
    for (int k = 0; k < steps; ++k) {
        const double excess = v(s0 + (k + 0.5) * ds) - e0;
        if (excess > 0.0) action += std::sqrt(2.0 * excess) * ds;
    }
    r.wkbDelta0 = hbar * r.omega * std::exp(-action / hbar);
    return r;
}

} // namespace tlscope
