#include "core/landscape/HessianAnalysis.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <numeric>
#include <vector>

namespace tlscope {

HessianAnalysis analyzeHessian(const Eigen::MatrixXd& h, int zeroModes, double tolerance,
                               const Eigen::VectorXd* mass) {
    Eigen::MatrixXd a = 0.5 * (h + h.transpose());
    if (mass) {
        const Eigen::VectorXd s = mass->cwiseSqrt().cwiseInverse();
        a = s.asDiagonal() * a * s.asDiagonal();
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(a);
    HessianAnalysis r;
    r.eigenvalues = solver.eigenvalues();
    r.eigenvectors = solver.eigenvectors();
    r.zeroModes = zeroModes;
    const auto n = static_cast<int>(r.eigenvalues.size());
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int i, int j) {
        return std::abs(r.eigenvalues[i]) < std::abs(r.eigenvalues[j]);
    });
    std::vector<bool> isZero(n, false);
    for (int k = 0; k < std::min(zeroModes, n); ++k) isZero[order[k]] = true;
    bool first = true;
    for (int i = 0; i < n; ++i) {
        if (isZero[i]) continue;
        if (r.eigenvalues[i] < -tolerance) ++r.negativeCount;
        if (first) {
            r.lowestNonZero = r.eigenvalues[i];
            r.lowestNonZeroIndex = i;
            first = false;
        }
    }
    return r;
}

} // namespace tlscope
