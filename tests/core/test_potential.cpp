// Energy, forces and Hessian against finite differences and the analytic pair formula.
#include "TestSystems.h"
#include "core/common/Error.h"
#include "core/landscape/HessianAnalysis.h"
#include "core/dynamics/SwapMonteCarlo.h"
#include "core/potential/PairPotential.h"
#include "core/potential/PairKernel.h"

using namespace tlscope;
using tlscope::test::forceError;

namespace {

double ljForceShifted(double r, double s, double e, double rc) {
    auto v = [&](double q) { return 4 * e * (std::pow(s / q, 12) - std::pow(s / q, 6)); };
    auto dv = [&](double q) { return 4 * e * (-12 * std::pow(s / q, 12) + 6 * std::pow(s / q, 6)) / q; };
    return r < rc ? v(r) - v(rc) - (r - rc) * dv(rc) : 0.0;
}

Configuration dimer(int sa, int sb, double r, double L) {
    // Particle 1 sits across the periodic boundary from particle 0, along a skew direction.
    Configuration c;
    c.boxLength = L;
    c.species = {sa, sb};
    Eigen::Vector3d u(0.8, 0.36, 0.48);
    u.normalize();
    const Eigen::Vector3d p0(0.1, 0.2, 0.15);
    const Eigen::Vector3d p1 = p0 - r * u + Eigen::Vector3d::Constant(L); // image in the box
    c.positions.resize(6);
    c.positions << p0, p1;
    return c;
}

} // namespace

class TestPotential : public QObject {
    Q_OBJECT
private slots:
    void pairEnergyMatchesAnalyticFormula() {
        const Model m = Model::preset("ka-rh");
        for (auto [a, b] : {std::pair{0, 0}, {0, 1}, {1, 1}})
            for (double r : {0.75, 0.9, 1.1, 1.5, 1.79, 1.81}) {
                Configuration c = dimer(a, b, r, 4.0);
                PairPotential p(m, c);
                const auto& pp = m.pair(a, b);
                QVERIFY(std::abs(p.energy(c.positions) - ljForceShifted(r, pp.sigma, pp.epsilon, pp.cutoff)) < 1e-12);
            }
    }
    void forcesAcrossCutoffAndBoundary() {
        const Model m = Model::preset("ka-rh");
        for (double r : {1.8 - 1e-4, 1.8 - 1e-2, 0.95, 1.2}) {
            Configuration c = dimer(0, 1, r, 4.0);
            PairPotential p(m, c);
            QVERIFY2(forceError(p, c.positions, 1e-7) < 1e-6, qPrintable(QString::number(r)));
        }
        // Force-shifted: energy and force both vanish continuously at the cutoff.
        Configuration c = dimer(0, 0, 1.8 - 1e-6, 4.0);
        PairPotential p(m, c);
        Eigen::VectorXd f;
        QVERIFY(std::abs(p.energyAndForce(c.positions, f)) < 1e-10);
        QVERIFY(f.cwiseAbs().maxCoeff() < 1e-4);
    }
    void forcesMatchFiniteDifferencesInLiquid() {
        const Configuration c = test::liquid(65, 0.5, 11);
        PairPotential p(Model::preset("ka-rh"), c);
        QVERIFY(forceError(p, c.positions) < 1e-6);
    }
    void forcesEnergyShiftedModel() {
        const Configuration c = test::liquid(200, 0.8, 12, 1.0, "ka-energy-shifted");
        PairPotential p(Model::preset("ka-energy-shifted"), c);
        QVERIFY(forceError(p, c.positions) < 1e-5);
    }
    /// KA2 (three species, energy-shifted at 2.5 sigma_ab): forces and Hessian columns against
    /// central differences, every pair energy against the formula at and across its cutoff.
    void ka2ForcesHessianAndPairFormula() {
        const Model m = Model::preset("ka2");
        SwapPreparationParameters prep;
        prep.finalTemperature = 1.0;
        prep.coolingSweeps = 20;
        prep.sweeps = 20;
        const Configuration c = prepareSwapGlass(m, 300, prep, 21).configuration;
        PairPotential p(m, c);
        QVERIFY(forceError(p, c.positions) < 1e-5);
        const Eigen::MatrixXd h = p.hessian(c.positions);
        Eigen::VectorXd x = c.positions, fp, fm;
        double worst = 0.0;
        for (Eigen::Index k : {Eigen::Index(0), Eigen::Index(100), Eigen::Index(899)}) {
            x[k] += 1e-6;
            p.energyAndForce(x, fp);
            x[k] -= 2e-6;
            p.energyAndForce(x, fm);
            x[k] += 1e-6;
            worst = std::max(worst, (-(fp - fm) / 2e-6 - h.col(k)).cwiseAbs().maxCoeff() / std::max(1.0, h.col(k).cwiseAbs().maxCoeff()));
        }
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
        for (int a = 0; a < 3; ++a)
            for (int b = a; b < 3; ++b) {
                const auto& pp = m.pair(a, b);
                auto v = [&](double r) { return 4 * pp.epsilon * (std::pow(pp.sigma / r, 12) - std::pow(pp.sigma / r, 6)); };
                for (double r : {0.9 * pp.sigma, 1.3 * pp.sigma, pp.cutoff - 1e-6, pp.cutoff + 1e-6}) {
                    Configuration d = dimer(a, b, r, 6.0);
                    PairPotential q(m, d);
                    const double expected = r < pp.cutoff ? v(r) - v(pp.cutoff) : 0.0;
                    QVERIFY(std::abs(q.energy(d.positions) - expected) < 1e-12 * std::max(1.0, std::abs(expected)));
                }
            }
    }
    void hessianMatchesFiniteDifferenceJacobian() {
        const Configuration c = test::demoGlass();
        PairPotential p(Model::preset("ka-rh"), c);
        const Eigen::MatrixXd h = p.hessian(c.positions);
        QVERIFY((h - h.transpose()).cwiseAbs().maxCoeff() < 1e-10);
        const double step = 1e-6;
        Eigen::VectorXd x = c.positions, fp, fm;
        double worst = 0.0;
        for (Eigen::Index k = 0; k < x.size(); ++k) {
            x[k] += step;
            p.energyAndForce(x, fp);
            x[k] -= 2 * step;
            p.energyAndForce(x, fm);
            x[k] += step;
            const Eigen::VectorXd column = -(fp - fm) / (2 * step);
            worst = std::max(worst, (column - h.col(k)).cwiseAbs().maxCoeff());
        }
        QVERIFY2(worst < 1e-5 * std::max(1.0, h.cwiseAbs().maxCoeff()), qPrintable(QString::number(worst)));
    }
    void threeZeroModesAtMinimum() {
        const Configuration c = test::demoGlass();
        PairPotential p(Model::preset("ka-rh"), c);
        const auto a = analyzeHessian(p.hessian(c.positions), 3);
        int nearZero = 0;
        for (Eigen::Index i = 0; i < a.eigenvalues.size(); ++i) nearZero += std::abs(a.eigenvalues[i]) < 1e-6;
        QCOMPARE(nearZero, 3);
        QCOMPARE(a.negativeCount, 0);
        QVERIFY(a.lowestNonZero > 0.0);
    }
    void neighbourListMatchesAllPairs_data() {
        QTest::addColumn<QString>("path");
        for (kernel::Path p : kernel::availablePaths()) QTest::newRow(kernel::name(p).c_str()) << QString::fromStdString(kernel::name(p));
    }
    void neighbourListMatchesAllPairs() {
        // Rebuilds as particles move, with each path's list build and kernel.
        QFETCH(QString, path);
        const Model m = Model::preset("ka-rh");
        Configuration c = test::liquid(1000, 0.6, 13, 1.0);
        PairPotential list(m, c, NeighbourMethod::VerletList);
        PairPotential all(m, c, NeighbourMethod::AllPairs);
        list.setKernel(kernel::parsePath(path.toStdString()));
        QVERIFY(list.usesNeighbourList());
        QVERIFY(!all.usesNeighbourList());
        RandomStream rng(5);
        for (int round = 0; round < 4; ++round) {
            Eigen::VectorXd fl, fa;
            const double el = list.energyAndForce(c.positions, fl);
            const double ea = all.energyAndForce(c.positions, fa);
            QVERIFY(std::abs(el - ea) < 1e-9 * std::abs(ea));
            QVERIFY((fl - fa).cwiseAbs().maxCoeff() < 1e-9 * std::max(1.0, fa.cwiseAbs().maxCoeff()));
            // Move particles by up to 0.1 (more than half the skin) to force rebuilds.
            for (Eigen::Index k = 0; k < c.positions.size(); ++k) c.positions[k] += 0.1 * (rng.uniform() - 0.5);
        }
    }
    void softSphereListMatchesAllPairsAsParticlesMove() {
        // The soft-sphere kernel keeps only the listed pairs within their own sigma_ij cutoff +
        // skin. Particles move in small steps (the pruned list is reused until some particle has
        // moved half the skin, then rebuilt): every step agrees with all pairs, on every path.
        const Model m = Model::preset("soft-spheres");
        for (kernel::Path path : kernel::availablePaths()) {
            Configuration c = test::liquid(1000, 0.3, 13, 1.0, "soft-spheres");
            PairPotential list(m, c, NeighbourMethod::VerletList), all(m, c, NeighbourMethod::AllPairs);
            list.setKernel(path);
            QVERIFY(list.usesNeighbourList());
            RandomStream rng(6);
            for (int round = 0; round < 12; ++round) {
                Eigen::VectorXd fl, fa;
                const double el = list.energyAndForce(c.positions, fl);
                const double ea = all.energyAndForce(c.positions, fa);
                QVERIFY2(std::abs(el - ea) < 1e-10 * std::abs(ea), qPrintable(QString("%1 round %2").arg(kernel::name(path).c_str()).arg(round)));
                QVERIFY((fl - fa).cwiseAbs().maxCoeff() < 1e-10 * std::max(1.0, fa.cwiseAbs().maxCoeff()));
                QCOMPARE(list.energy(c.positions), el); // energy() runs the same kernel
                for (Eigen::Index k = 0; k < c.positions.size(); ++k) c.positions[k] += 0.06 * (rng.uniform() - 0.5);
            }
        }
    }
    void everyKernelPathMatchesScalarReference() {
        // Every instruction-set path this CPU can run (all pairs and Verlet list, cell-ordered
        // rows; Lennard-Jones and polydisperse soft spheres) against the plain scalar pair loop, including pairs beyond the cutoff that the
        // vector kernels mask out and row lengths that are not a multiple of any lane count.
        // Paths this CPU or build lacks are reported as skipped.
        for (kernel::Path path : {kernel::Path::Scalar, kernel::Path::Sse2, kernel::Path::Avx2, kernel::Path::Avx512}) {
            if (!kernel::available(path)) {
                qInfo("kernel %s: not available on this CPU or build, skipped", kernel::name(path).c_str());
                continue;
            }
            int checked = 0;
            for (const char* model : {"ka-rh", "ka", "ka-energy-shifted", "soft-spheres"}) {
                const Model m = Model::preset(model);
                const bool soft = m.perParticleDiameters();
                for (int n : {65, 66, 67, 71, 1200}) {
                    // Soft spheres at T = 0.3 (above their T_MCT ~ 0.1): a dense liquid with
                    // many pairs near and beyond their per-pair cutoffs.
                    const Configuration c = test::liquid(n, soft ? 0.3 : 0.6, 14, 0.5, soft ? model : "ka-rh");
                    if (m.maxCutoff() >= 0.5 * c.boxLength) continue; // ka's 2.5 sigma needs N >= 150
                    for (NeighbourMethod method : {NeighbourMethod::AllPairs, NeighbourMethod::VerletList}) {
                        PairPotential p(m, c, method);
                        p.setKernel(path);
                        Eigen::VectorXd fk, fr;
                        const double ek = p.energyAndForce(c.positions, fk);
                        const double er = p.referenceEnergyForce(c.positions, fr);
                        QVERIFY2(std::abs(ek - er) < 1e-11 * std::abs(er),
                                 qPrintable(QString("%1 %2 N=%3: E %4 vs %5").arg(kernel::name(path).c_str(), model).arg(n).arg(ek).arg(er)));
                        QVERIFY2((fk - fr).cwiseAbs().maxCoeff() < 1e-10 * std::max(1.0, fr.cwiseAbs().maxCoeff()),
                                 qPrintable(QString("%1 %2 N=%3 forces").arg(kernel::name(path).c_str(), model).arg(n)));
                        // Deterministic: the same call gives the same bits.
                        Eigen::VectorXd again;
                        QCOMPARE(p.energyAndForce(c.positions, again), ek);
                        QVERIFY(again == fk);
                        ++checked;
                    }
                }
            }
            qInfo("kernel %s: %d systems match the scalar reference", kernel::name(path).c_str(), checked);
        }
        QVERIFY(kernel::available(kernel::Path::Scalar));
        QVERIFY_THROWS_EXCEPTION(InputError, kernel::parsePath("avx1024"));
        QCOMPARE(kernel::parsePath("avx2"), kernel::Path::Avx2);
    }
    /// The single-precision forces of the search's kicks and sampling (AVX-512 only) against
    /// the double scalar loop: every component within 2e-5 of the largest force, also for
    /// coordinates many boxes away (unwrapped MD positions) and for a 2 x 65 system; no
    /// single-precision forces with a neighbour list, for soft spheres or on other paths.
    void singlePrecisionForcesMatchTheDoubleReference() {
        int checked = 0;
        for (kernel::Path path : kernel::availablePaths()) {
            for (const char* model : {"ka-rh", "ka-energy-shifted", "ka-rh-perpair", "ka"}) {
                const Model m = Model::preset(model);
                for (int n : {65, 66, 71, 100, 127}) {
                    Configuration c = test::liquid(n, 0.6, 15, 0.5);
                    if (m.maxCutoff() >= 0.5 * c.boxLength) continue; // 2.5 sigma cutoffs need N >= 150
                    PairPotential p(m, c, NeighbourMethod::AllPairs);
                    p.setKernel(path);
                    Eigen::VectorXd fs, fr;
                    const bool has = p.singlePrecisionForce(c.positions, fs);
                    QCOMPARE(has, path == kernel::Path::Avx512);
                    if (!has) continue;
                    p.referenceEnergyForce(c.positions, fr);
                    const double scale = std::max(1.0, fr.cwiseAbs().maxCoeff());
                    QVERIFY2((fs - fr).cwiseAbs().maxCoeff() < 2e-5 * scale,
                             qPrintable(QString("%1 N=%2: %3 of %4").arg(model).arg(n).arg((fs - fr).cwiseAbs().maxCoeff()).arg(scale)));
                    Eigen::VectorXd far = c.positions, ff;
                    for (Eigen::Index k = 0; k < far.size(); k += 7) far[k] += 37.0 * c.boxLength;
                    QVERIFY(p.singlePrecisionForce(far, ff));
                    QVERIFY((ff - fr).cwiseAbs().maxCoeff() < 2e-5 * scale);
                    QVERIFY(!PairPotential(m, c, NeighbourMethod::VerletList).singlePrecisionForce(c.positions, ff));
                    ++checked;
                }
            }
            if (path == kernel::Path::Avx512) {
                Model two = Model::preset("ka-rh");
                two.copies = 2;
                Configuration a = test::liquid(65, 0.6, 16, 0.5), b = test::liquid(65, 0.6, 17, 0.5);
                Configuration c = a;
                c.positions.resize(390);
                c.positions << a.positions, b.positions;
                c.species.insert(c.species.end(), b.species.begin(), b.species.end());
                PairPotential p(two, c);
                p.setKernel(path);
                Eigen::VectorXd fs, fr;
                QVERIFY(p.singlePrecisionForce(c.positions, fs));
                p.referenceEnergyForce(c.positions, fr);
                QVERIFY((fs - fr).cwiseAbs().maxCoeff() < 2e-5 * std::max(1.0, fr.cwiseAbs().maxCoeff()));
            }
        }
        const Model soft = Model::preset("soft-spheres");
        const Configuration s = test::liquid(65, 0.3, 4, 0.5, "soft-spheres");
        Eigen::VectorXd f;
        QVERIFY(!PairPotential(soft, s).singlePrecisionForce(s.positions, f));
        if (checked == 0) QSKIP("no single-precision kernel on this CPU (it needs AVX-512); the fallbacks were checked");
        qInfo("%d systems: single-precision forces within 2e-5 of the double reference", checked);
    }
    void everyPathsVectorOpsMatchPlainLoops() {
        // dot and axpy of the minimizers for every length 0..70 (full vectors, unrolled blocks
        // and scalar tails) against plain loops.
        RandomStream rng(8);
        std::vector<double> a(70), b(70);
        for (std::size_t k = 0; k < 70; ++k) a[k] = rng.normal(), b[k] = rng.normal();
        for (kernel::Path path : kernel::availablePaths()) {
            const kernel::VectorOps ops = kernel::vectorOps(path);
            for (long n = 0; n <= 70; ++n) {
                double dot = 0.0, scale = 0.0;
                for (long k = 0; k < n; ++k) dot += a[std::size_t(k)] * b[std::size_t(k)], scale += std::abs(a[std::size_t(k)] * b[std::size_t(k)]);
                QVERIFY2(std::abs(ops.dot(a.data(), b.data(), n) - dot) <= 1e-14 * std::max(scale, 1.0),
                         qPrintable(QString("%1 dot, n = %2").arg(kernel::name(path).c_str()).arg(n)));
                std::vector<double> y = b, expected = b;
                ops.axpy(0.37, a.data(), y.data(), n);
                for (long k = 0; k < n; ++k) expected[std::size_t(k)] += 0.37 * a[std::size_t(k)];
                for (std::size_t k = 0; k < 70; ++k)
                    QVERIFY(std::abs(y[k] - expected[k]) <= 1e-15 * (std::abs(expected[k]) + 1.0));
            }
        }
    }
    void everyListScanFindsTheSameCandidates() {
        // The neighbour-list candidate scan of each path against a plain loop, for every run
        // length from 0 to 40 (AVX-512: full vectors, masked tails) and offsets into the arrays.
        RandomStream rng(3);
        std::vector<double> x(64), y(64), z(64);
        for (std::size_t k = 0; k < 64; ++k) x[k] = 2 * rng.uniform(), y[k] = 2 * rng.uniform(), z[k] = 2 * rng.uniform();
        for (kernel::Path path : kernel::availablePaths()) {
            const auto scan = kernel::scanFunction(path);
            for (int from : {0, 3}) {
                for (int length = 0; length <= 40; ++length) {
                    std::vector<int> expected, got(static_cast<std::size_t>(length) + 1, -1);
                    for (int b = from; b < from + length; ++b) {
                        const double dx = 1 - x[static_cast<std::size_t>(b)], dy = 1 - y[static_cast<std::size_t>(b)], dz = 1 - z[static_cast<std::size_t>(b)];
                        if (dx * dx + dy * dy + dz * dz < 0.7) expected.push_back(b);
                    }
                    const int n = scan(x.data(), y.data(), z.data(), from, from + length, 1.0, 1.0, 1.0, 0.7, got.data());
                    got.resize(static_cast<std::size_t>(n));
                    QVERIFY2(got == expected, qPrintable(QString("%1: from %2 length %3").arg(kernel::name(path).c_str()).arg(from).arg(length)));
                }
            }
        }
    }
    void smallBoxVerletListMatchesAllPairs() {
        // At N = 65 the list radius (cutoff + skin) exceeds half the box: the list stores pairs,
        // the kernel takes the minimum image, so no pair within the cutoff is missed as
        // particles move (each image distance changes by at most the displacement).
        const Model m = Model::preset("ka-rh");
        Configuration c = test::liquid(65, 0.6, 21, 1.0);
        QVERIFY(m.maxCutoff() + 0.3 > 0.5 * c.boxLength);
        PairPotential list(m, c, NeighbourMethod::VerletList);
        PairPotential all(m, c, NeighbourMethod::AllPairs);
        QVERIFY(list.usesNeighbourList());
        RandomStream rng(6);
        for (int round = 0; round < 20; ++round) {
            Eigen::VectorXd fl, fa;
            const double el = list.energyAndForce(c.positions, fl);
            const double ea = all.energyAndForce(c.positions, fa);
            QVERIFY(std::abs(el - ea) < 1e-10 * std::abs(ea));
            QVERIFY((fl - fa).cwiseAbs().maxCoeff() < 1e-9 * std::max(1.0, fa.cwiseAbs().maxCoeff()));
            for (Eigen::Index k = 0; k < c.positions.size(); ++k) c.positions[k] += 0.06 * (rng.uniform() - 0.5);
        }
    }
    void rejectsCutoffLargerThanHalfBox() {
        const Model m = Model::preset("ka-rh");
        Configuration c;
        c.boxLength = 3.0;
        c.species = {0, 1};
        c.positions = Eigen::VectorXd::Zero(6);
        QVERIFY_THROWS_EXCEPTION(InputError, PairPotential(m, c));
    }
};

QTEST_GUILESS_MAIN(TestPotential)
#include "test_potential.moc"
