#include "core/landscape/Lanczos.h"

#include "core/common/Error.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace tlscope {

namespace {

/// Removes from v its components along the columns of q (count of them), twice (classical
/// Gram-Schmidt with reorthogonalisation is stable to rounding).
void orthogonalise(Eigen::VectorXd& v, const Eigen::MatrixXd& q, Eigen::Index count) {
    if (count == 0) return;
    for (int pass = 0; pass < 2; ++pass) v.noalias() -= q.leftCols(count) * (q.leftCols(count).transpose() * v);
}

} // namespace

LowestModes lowestEigenpairs(const LinearMap& apply, Eigen::Index n, int k, const Eigen::MatrixXd& deflate,
                             const LanczosOptions& o) {
    if (k < 1) throw InputError("lowestEigenpairs: k must be >= 1");
    const Eigen::Index free = n - deflate.cols();
    if (free < k) throw InputError("lowestEigenpairs: fewer free dimensions than eigenpairs asked for");
    const Eigen::Index m = std::min<Eigen::Index>(free, std::max<Eigen::Index>(o.basis, 2 * k + 10));
    const Eigen::Index keep = std::min<Eigen::Index>(m - 1, k + std::max<Eigen::Index>(k, 8));
    Eigen::MatrixXd v(n, m), av(n, m);
    Eigen::Index count = 0;
    LowestModes out;
    // A deterministic start: the guess, else a fixed pseudo-random vector.
    std::uint64_t seed = 0x9E3779B97F4A7C15ull;
    auto pseudoRandom = [&] {
        Eigen::VectorXd r(n);
        for (Eigen::Index i = 0; i < n; ++i) {
            seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
            r[i] = static_cast<double>(seed >> 11) * 0x1.0p-53 - 0.5;
        }
        return r;
    };
    Eigen::VectorXd w = (o.start && o.start->size() == n && o.start->norm() > 0) ? *o.start : pseudoRandom();
    auto add = [&](Eigen::VectorXd x) {
        for (int attempt = 0; attempt < 3; ++attempt) {
            // Deflated space last (and twice): V's tiny deflated components would otherwise be
            // copied into x and grow by |x| / |x_orth| at every step. Both are two-pass
            // Gram-Schmidt: V and the deflated space are orthogonal to rounding, so removing the
            // deflated components brings back nothing along V.
            const double before = x.norm();
            orthogonalise(x, v, count);
            orthogonalise(x, deflate, deflate.cols());
            const double after = x.norm();
            if (after > 1e-10 * std::max(before, 1e-300)) {
                v.col(count) = x / after;
                Eigen::VectorXd y;
                apply(v.col(count), y);
                ++out.products;
                orthogonalise(y, deflate, deflate.cols()); // keep A's image in the complement
                av.col(count) = y;
                ++count;
                return;
            }
            x = pseudoRandom(); // an invariant subspace was found: continue elsewhere
        }
        throw NumericalError("Lanczos could not extend its basis");
    };
    add(w);
    for (;;) {
        while (count < m) add(av.col(count - 1));
        const Eigen::MatrixXd h = v.leftCols(count).transpose() * av.leftCols(count);
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> small(0.5 * (h + h.transpose()));
        const Eigen::MatrixXd ritz = v.leftCols(count) * small.eigenvectors().leftCols(keep);
        const Eigen::MatrixXd aRitz = av.leftCols(count) * small.eigenvectors().leftCols(keep);
        bool converged = true;
        for (int i = 0; i < k; ++i) {
            const double theta = small.eigenvalues()[i];
            const double residual = (aRitz.col(i) - theta * ritz.col(i)).norm();
            if (residual > o.tolerance * std::max(1.0, std::abs(theta))) converged = false;
        }
        if (converged || out.products >= o.maxProducts) {
            out.values = small.eigenvalues().head(k);
            out.vectors = ritz.leftCols(k);
            out.converged = converged;
            return out;
        }
        // Thick restart: keep the lowest Ritz pairs (their images are known), then extend by the
        // next Krylov direction (A times the last basis vector): every Ritz residual lies along it.
        // (Orthogonal to the whole old basis: against the kept Ritz vectors alone it would keep
        // components of the discarded ones and lose the Krylov structure.)
        Eigen::VectorXd next = av.col(count - 1);
        orthogonalise(next, v, count);
        v.leftCols(keep) = ritz;
        av.leftCols(keep) = aRitz;
        count = keep;
        // Re-orthonormalise the kept basis against rounding drift (cheap: keep is small).
        for (Eigen::Index c = 0; c < count; ++c) {
            Eigen::VectorXd x = v.col(c);
            orthogonalise(x, v, c);
            x /= x.norm();
            if ((x - v.col(c)).norm() > 1e-10) { // drifted: take the corrected vector and its image
                v.col(c) = x;
                Eigen::VectorXd y;
                apply(v.col(c), y);
                ++out.products;
                orthogonalise(y, deflate, deflate.cols());
                av.col(c) = y;
            }
        }
        add(next);
    }
}

LowestModes lowestEigenpairs(const Eigen::SparseMatrix<double>& a, int k, const Eigen::MatrixXd& deflate,
                             const LanczosOptions& options) {
    return lowestEigenpairs([&](const Eigen::VectorXd& in, Eigen::VectorXd& out) { out.noalias() = a * in; },
                            a.rows(), k, deflate, options);
}

} // namespace tlscope
