#pragma once
// Eigen-analysis of a Hessian: stationary-point index with translation zero modes excluded.
#include <Eigen/Core>

namespace tlscope {

struct HessianAnalysis {
    Eigen::VectorXd eigenvalues;  ///< ascending
    Eigen::MatrixXd eigenvectors; ///< columns, matching eigenvalues
    int zeroModes = 0;            ///< how many near-zero modes were set aside
    int negativeCount = 0;        ///< eigenvalues < -tolerance among the remaining modes
    double lowestNonZero = 0.0;   ///< smallest eigenvalue once the zero modes are set aside
    int lowestNonZeroIndex = 0;
};

/// Diagonalises h (symmetrised). The `zeroModes` eigenvalues of smallest magnitude are the
/// known exact zero modes (3 translations for a periodic system) and are not counted. If masses
/// are given (per coordinate), the mass-weighted Hessian M^-1/2 H M^-1/2 is analysed instead,
/// whose eigenvalues are squared normal-mode frequencies.
HessianAnalysis analyzeHessian(const Eigen::MatrixXd& h, int zeroModes, double tolerance = 1e-6,
                               const Eigen::VectorXd* massPerCoordinate = nullptr);

} // namespace tlscope
