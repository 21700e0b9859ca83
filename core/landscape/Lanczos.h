#pragma once
// The lowest eigenpairs of a large sparse symmetric matrix (a Hessian at N = 1500 has 4500
// rows): thick-restarted Lanczos with full reorthogonalisation, only matrix-vector products.
#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <functional>

namespace tlscope {

struct LanczosOptions {
    int basis = 60;             ///< largest subspace before a restart
    int maxProducts = 20000;    ///< matrix-vector products before giving up
    double tolerance = 1e-8;    ///< converged when |A y - theta y| < tolerance * max(1, |theta|)
    const Eigen::VectorXd* start = nullptr; ///< a guess (e.g. the previous step's mode)
};

struct LowestModes {
    Eigen::VectorXd values;  ///< ascending
    Eigen::MatrixXd vectors; ///< unit columns, orthogonal to the deflated space
    int products = 0;        ///< matrix-vector products used
    bool converged = false;
};

using LinearMap = std::function<void(const Eigen::VectorXd& in, Eigen::VectorXd& out)>;

/// The k lowest eigenpairs of the symmetric map A on the orthogonal complement of the columns
/// of `deflate` (orthonormal; e.g. the translation modes), reproducibly (the start vector is
/// deterministic).
LowestModes lowestEigenpairs(const LinearMap& a, Eigen::Index dimension, int k,
                             const Eigen::MatrixXd& deflate, const LanczosOptions& options = {});
LowestModes lowestEigenpairs(const Eigen::SparseMatrix<double>& a, int k, const Eigen::MatrixXd& deflate,
                             const LanczosOptions& options = {});

} // namespace tlscope
