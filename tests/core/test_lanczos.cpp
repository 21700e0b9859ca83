// Lanczos lowest eigenpairs against dense diagonalisation (exact spectra, deflated zero modes,
// real KA-RH Hessians), the sparse Hessian against the dense one, and Lanczos-based saddle
// refinement against the dense eigenvector following on a real double well.
#include "TestSystems.h"
#include "core/common/Error.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/landscape/HessianAnalysis.h"
#include "core/landscape/Lanczos.h"
#include "core/landscape/Minimizer.h"
#include "core/landscape/Neb.h"
#include "core/potential/PairPotential.h"
#include "core/tls/DoubleWell.h"

#include <Eigen/Eigenvalues>
#include <Eigen/QR>

using namespace tlscope;

namespace {
/// A random orthogonal matrix (QR of a seeded random matrix).
Eigen::MatrixXd randomRotation(Eigen::Index n, std::uint64_t seed) {
    RandomStream rng(seed);
    Eigen::MatrixXd a(n, n);
    for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = rng.normal();
    return Eigen::HouseholderQR<Eigen::MatrixXd>(a).householderQ();
}
} // namespace

class TestLanczos : public QObject {
    Q_OBJECT
private slots:
    void lowestEigenpairsOfAKnownSpectrum() {
        // A Hessian-like spectrum: one negative mode, close soft modes, a wide stiff band.
        const Eigen::Index n = 300;
        Eigen::VectorXd spectrum(n);
        spectrum[0] = -0.7, spectrum[1] = 0.05, spectrum[2] = 0.051, spectrum[3] = 0.3;
        for (Eigen::Index i = 4; i < n; ++i) spectrum[i] = 1.0 + 800.0 * double(i) / double(n);
        const Eigen::MatrixXd q = randomRotation(n, 4);
        const Eigen::MatrixXd a = q * spectrum.asDiagonal() * q.transpose();
        const Eigen::SparseMatrix<double> sa = a.sparseView();
        const LowestModes m = lowestEigenpairs(sa, 4, Eigen::MatrixXd(n, 0));
        QVERIFY(m.converged);
        qInfo("4 lowest of 300 in %d products", m.products);
        for (int i = 0; i < 4; ++i) {
            QVERIFY2(std::abs(m.values[i] - spectrum[i]) < 1e-8, qPrintable(QString("%1 vs %2").arg(m.values[i]).arg(spectrum[i])));
            QVERIFY(std::abs(std::abs(m.vectors.col(i).dot(q.col(i))) - 1.0) < 1e-6);
        }
        // Deterministic: the same call gives the same bits.
        const LowestModes again = lowestEigenpairs(sa, 4, Eigen::MatrixXd(n, 0));
        QVERIFY(again.values == m.values);
    }
    void deflatedModesAreSetAside() {
        // Three exact zero modes (known) and the rest positive: Lanczos on the complement finds
        // the lowest non-zero modes, never the deflated ones.
        const Eigen::Index n = 120;
        Eigen::VectorXd spectrum(n);
        spectrum.head(3).setZero();
        for (Eigen::Index i = 3; i < n; ++i) spectrum[i] = 0.2 * double(i);
        const Eigen::MatrixXd q = randomRotation(n, 9);
        const Eigen::MatrixXd a = q * spectrum.asDiagonal() * q.transpose();
        const LowestModes m = lowestEigenpairs(Eigen::SparseMatrix<double>(a.sparseView()), 2, q.leftCols(3));
        QVERIFY(m.converged);
        QVERIFY2(std::abs(m.values[0] - 0.6) < 1e-9, qPrintable(QString("%1 %2").arg(m.values[0], 0, 'g', 17).arg(m.values[1], 0, 'g', 17)));
        QVERIFY(std::abs(m.values[1] - 0.8) < 1e-9);
        QVERIFY((q.leftCols(3).transpose() * m.vectors).cwiseAbs().maxCoeff() < 1e-10);
        QVERIFY_THROWS_EXCEPTION(InputError, lowestEigenpairs(Eigen::SparseMatrix<double>(a.sparseView()), 118, q.leftCols(3)));
    }
    void sparseHessianAndLanczosMatchDenseOnAGlass() {
        const Model m = Model::preset("ka-rh");
        Configuration c = test::liquid(130, 0.6, 8, 2.0);
        PairPotential p(m, c);
        QVERIFY(minimize(p, c.positions, MinimizerKind::ConjugateGradient).converged());
        const Eigen::MatrixXd dense = p.hessian(c.positions);
        const Eigen::MatrixXd sparse = Eigen::MatrixXd(p.sparseHessian(c.positions));
        QVERIFY((dense - sparse).cwiseAbs().maxCoeff() < 1e-12 * dense.cwiseAbs().maxCoeff());
        const Eigen::MatrixXd zero = p.zeroModeBasis();
        QVERIFY((dense * zero).cwiseAbs().maxCoeff() < 1e-9 * dense.cwiseAbs().maxCoeff()); // translations
        const HessianAnalysis full = analyzeHessian(dense, 3);
        const LowestModes low = lowestEigenpairs(p.sparseHessian(c.positions), 5, zero);
        QVERIFY(low.converged);
        std::vector<double> reference;
        for (Eigen::Index i = 0; i < full.eigenvalues.size() && reference.size() < 5; ++i)
            if (i >= full.lowestNonZeroIndex) reference.push_back(full.eigenvalues[i]);
        for (int i = 0; i < 5; ++i)
            QVERIFY2(std::abs(low.values[i] - reference[std::size_t(i)]) < 1e-7 * std::max(1.0, std::abs(reference[std::size_t(i)])),
                     qPrintable(QString("mode %1: %2 vs %3").arg(i).arg(low.values[i]).arg(reference[std::size_t(i)])));
        qInfo("N=130 glass: 5 lowest modes in %d products (dense: 390 x 390)", low.products);
    }
    void lanczosRefinementFindsTheDenseSaddle() {
        // A real KA-RH double well of the demo glass: both refinements from the same perturbed
        // start reach the same first-order saddle with the same unstable eigenvalue.
        const Model m = Model::preset("ka-rh");
        const Configuration glass = test::demoGlass();
        PairPotential pot(m, glass);
        std::optional<DoubleWellAnalysis> found;
        for (std::uint64_t attempt = 0; attempt < 200 && !found; ++attempt) {
            MolecularDynamics md(pot, glass.massVector(m), {}, RandomStream(12, attempt));
            md.setPositions(glass.positions);
            md.drawVelocities(0.3);
            md.run(300);
            Eigen::VectorXd x = md.state().positions;
            if (!minimize(pot, x, MinimizerKind::Lbfgs).converged()) continue;
            const double d = pot.displacement(glass.positions, x).norm();
            if (d < 0.05 || d > 1.0) continue;
            DoubleWellAnalysis a = analyzeDoubleWell(pot, glass.positions, x);
            if (a.accepted) found = a;
        }
        QVERIFY2(found, "no DWP found to refine");
        RandomStream rng(2);
        Eigen::VectorXd start = found->dwp.saddle;
        for (Eigen::Index k = 0; k < start.size(); ++k) start[k] += 2e-3 * (rng.uniform() - 0.5);
        const SaddleResult dense = refineSaddle(pot, start, 1e-9, 200, 0.05, EigenMethod::Dense);
        const SaddleResult lanczos = refineSaddle(pot, start, 1e-9, 200, 0.05, EigenMethod::Lanczos);
        QVERIFY(dense.converged);
        QVERIFY2(lanczos.converged, qPrintable(QString("max force %1, index %2").arg(lanczos.maxForce).arg(lanczos.negativeModes)));
        QCOMPARE(lanczos.negativeModes, 1);
        QVERIFY(pot.displacement(dense.x, lanczos.x).cwiseAbs().maxCoeff() < 1e-7);
        QVERIFY(std::abs(dense.energy - lanczos.energy) < 1e-10);
        QVERIFY(std::abs(dense.unstableEigenvalue - lanczos.unstableEigenvalue) < 1e-6 * std::abs(dense.unstableEigenvalue));
        qInfo("saddle refined in %ld (dense) and %ld (Lanczos) steps, unstable eigenvalue %.6g",
              dense.iterations, lanczos.iterations, lanczos.unstableEigenvalue);
    }
};

QTEST_GUILESS_MAIN(TestLanczos)
#include "test_lanczos.moc"
