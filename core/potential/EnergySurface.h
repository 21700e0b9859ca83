#pragma once
// The abstract energy landscape minimizers and saddle searches walk on.
#include <Eigen/Core>
#include <Eigen/SparseCore>

#include <memory>

namespace tlscope {

/// A smooth function of 3N (or any) coordinates with its force (= minus gradient) and Hessian.
/// Implementations may keep caches (neighbour lists): one instance per thread.
class EnergySurface {
public:
    virtual ~EnergySurface() = default;
    virtual Eigen::Index dimension() const = 0;
    /// Energy at x; writes the force -dE/dx into `force` (resized as needed).
    virtual double energyAndForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) = 0;
    virtual double energy(const Eigen::VectorXd& x) {
        Eigen::VectorXd f;
        return energyAndForce(x, f);
    }
    /// The Hessian d2E/dx2 (dense, symmetric).
    virtual Eigen::MatrixXd hessian(const Eigen::VectorXd& x) = 0;
    /// The same Hessian as a sparse matrix (a pair potential stores only interacting blocks:
    /// what Lanczos needs at large N). The default converts the dense one.
    virtual Eigen::SparseMatrix<double> sparseHessian(const Eigen::VectorXd& x) {
        return hessian(x).sparseView();
    }
    /// The displacement b - a; periodic surfaces apply the minimum-image convention.
    virtual Eigen::VectorXd displacement(const Eigen::VectorXd& a, const Eigen::VectorXd& b) const {
        return b - a;
    }
    /// Drops caches (neighbour lists) so that the next evaluation starts afresh. Results then
    /// depend only on the positions evaluated from here on, not on earlier calls: what a run that
    /// resumes from a checkpoint needs to repeat the uninterrupted run bit for bit.
    virtual void resetCaches() {}
    /// A fresh surface of the same system with its own caches, or null if the surface cannot be
    /// copied. Algorithms that evaluate many configurations in turn (NEB images) give each its
    /// own copy: one shared neighbour list would be rebuilt at every call when they differ.
    virtual std::unique_ptr<EnergySurface> clone() const { return nullptr; }
    /// The force at x in single precision (relative error ~1e-6), for trajectories whose
    /// individual path does not matter (an MD kick, a sampling run): false where the surface has
    /// no such evaluation (then `force` is untouched and the caller uses energyAndForce).
    virtual bool singlePrecisionForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
        (void)x, (void)force;
        return false;
    }
    /// Number of exact zero modes (e.g. 3 translations of a periodic system).
    virtual int zeroModeCount() const { return 0; }
    /// An orthonormal basis of those modes (columns), where the surface knows them exactly;
    /// zero columns otherwise (then iterative eigensolvers cannot set them aside).
    virtual Eigen::MatrixXd zeroModeBasis() const { return Eigen::MatrixXd(dimension(), 0); }
};

} // namespace tlscope
