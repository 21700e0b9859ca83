// Polydisperse soft spheres (PHYSICS.md §1.3): the diameter distribution, the pair formula and
// its smooth cutoff, forces and Hessians against finite differences, diameter swaps, and the
// diameters' way through model files, extended XYZ and LAMMPS data files.
#include "TestSystems.h"
#include "core/common/Error.h"
#include "core/dynamics/Preparation.h"
#include "core/dynamics/SwapMonteCarlo.h"
#include "core/io/Checkpoint.h"
#include "core/io/ConfigurationFile.h"
#include "core/io/LammpsData.h"
#include "core/landscape/Minimizer.h"
#include "core/potential/PairPotential.h"

#include <QTemporaryDir>

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <array>
#include <numeric>
#include <sstream>

using namespace tlscope;
using tlscope::test::forceError;

namespace {

/// The pair energy written out from PHYSICS.md §1.3, independent of the engine's code.
double pairEnergy(double r, double si, double sj) {
    const double s = 0.5 * (si + sj) * (1.0 - 0.2 * std::abs(si - sj));
    if (r >= 1.25 * s) return 0.0;
    const double c0 = -28.0 / std::pow(1.25, 12), c2 = 48.0 / std::pow(1.25, 14), c4 = -21.0 / std::pow(1.25, 16);
    return std::pow(s / r, 12) + c0 + c2 * std::pow(r / s, 2) + c4 * std::pow(r / s, 4);
}

Configuration dimer(double r, double si, double sj, double L = 6.0) {
    Configuration c;
    c.boxLength = L;
    c.species = {0, 0};
    c.diameters = {si, sj};
    Eigen::Vector3d u(0.8, 0.36, 0.48);
    u.normalize();
    const Eigen::Vector3d p0(0.1, 0.2, 0.15);
    c.positions.resize(6);
    c.positions << p0, p0 - r * u + Eigen::Vector3d::Constant(L); // across the periodic boundary
    return c;
}

/// A soft-sphere liquid: a lattice start stirred by a few swap MC sweeps at T = 0.3.
Configuration liquid(int n, std::uint64_t seed) {
    const Model m = Model::preset("soft-spheres");
    RandomStream rng(seed);
    SwapMonteCarlo mc(m, randomLatticeStart(m, n, rng), RandomStream(seed, 1));
    SwapMcParameters p;
    p.temperature = 0.3;
    SwapMcStatistics stats;
    for (int s = 0; s < 30; ++s) mc.sweep(p, stats);
    return mc.configuration();
}

} // namespace

class TestSoftSpheres : public QObject {
    Q_OBJECT
private slots:
    void diametersFollowTheDistribution() {
        const Model m = Model::preset("soft-spheres");
        QCOMPARE(m.density, 1.0);
        const double lo = m.softSphere.sigmaMin(), hi = m.softSphere.sigmaMax();
        QVERIFY(std::abs(hi / lo - 2.219) < 1e-12);
        // Mean of P ~ sigma^-3 on [lo, hi]: (1/lo - 1/hi) / ((1/lo^2 - 1/hi^2) / 2) = 1.
        QVERIFY(std::abs((1 / lo - 1 / hi) / (0.5 * (1 / (lo * lo) - 1 / (hi * hi))) - 1.0) < 1e-12);
        QVERIFY(std::abs(lo - 0.7253) < 1e-4 && std::abs(hi - 1.6095) < 1e-4);
        RandomStream rng(3);
        const std::vector<double> d = drawDiameters(m, 1500, rng);
        QCOMPARE(d.size(), std::size_t(1500));
        const double mean = std::accumulate(d.begin(), d.end(), 0.0) / 1500;
        QVERIFY2(std::abs(mean - 1.0) < 2e-3, qPrintable(QString::number(mean)));
        // Kolmogorov distance to the CDF (1/lo^2 - 1/s^2) / (1/lo^2 - 1/hi^2): quantiles, so ~1/(2N).
        std::vector<double> sorted = d;
        std::sort(sorted.begin(), sorted.end());
        double ks = 0.0;
        for (std::size_t k = 0; k < sorted.size(); ++k) {
            const double s = sorted[k];
            const double cdf = (1 / (lo * lo) - 1 / (s * s)) / (1 / (lo * lo) - 1 / (hi * hi));
            ks = std::max({ks, std::abs(cdf - double(k) / 1500), std::abs(cdf - double(k + 1) / 1500)});
        }
        QVERIFY2(ks < 1.0 / 1500 + 1e-12, qPrintable(QString::number(ks)));
        QVERIFY(d != sorted); // shuffled
        RandomStream again(3);
        QCOMPARE(drawDiameters(m, 1500, again), d);
        QVERIFY(drawDiameters(Model::preset("ka2"), 10, rng).empty());
    }

    void pairEnergyMatchesTheFormula() {
        const Model m = Model::preset("soft-spheres");
        for (auto [si, sj] : {std::pair{1.0, 1.0}, {0.8, 1.4}, {0.73, 1.6}, {1.6, 1.6}})
            for (double x : {0.7, 0.85, 1.0, 1.1, 1.2, 1.249, 1.26}) {
                const double s = 0.5 * (si + sj) * (1.0 - 0.2 * std::abs(si - sj));
                Configuration c = dimer(x * s, si, sj);
                PairPotential p(m, c);
                const double expected = pairEnergy(x * s, si, sj);
                QVERIFY2(std::abs(p.energy(c.positions) - expected) < 1e-12 * std::max(1.0, std::abs(expected)),
                         qPrintable(QString("%1 %2 x=%3: %4 vs %5").arg(si).arg(sj).arg(x).arg(p.energy(c.positions)).arg(expected)));
                Eigen::VectorXd f;
                QVERIFY(std::abs(p.energyAndForce(c.positions, f) - expected) < 1e-12 * std::max(1.0, std::abs(expected)));
            }
        // Non-additive: sigma_ij of 0.8 and 1.4 is 1.1 * (1 - 0.12) = 0.968, not 1.1.
        QVERIFY(std::abs(m.softSphere.pairSigma(0.8, 1.4) - 0.968) < 1e-15);
    }

    /// V, V' and V'' vanish at r_c = 1.25 sigma_ij and go to zero as (r_c - r)^3, ^2 and ^1.
    void potentialIsSmoothAtTheCutoff() {
        const Model m = Model::preset("soft-spheres");
        const double si = 0.9, sj = 1.3, s = m.softSphere.pairSigma(si, sj), rc = 1.25 * s;
        auto radial = [&](double r) {
            Configuration c = dimer(r, si, sj);
            PairPotential p(m, c);
            Eigen::VectorXd f;
            const double e = p.energyAndForce(c.positions, f);
            const Eigen::Vector3d u = (c.position(0) - c.position(1) + Eigen::Vector3d::Constant(c.boxLength)).normalized();
            const Eigen::MatrixXd h = p.hessian(c.positions);
            // dV/dr = -F_0 . u (u points from particle 1 to particle 0); d2V/dr2 = u^T H_00 u.
            return std::array<double, 3>{e, -f.head<3>().dot(u), u.dot(h.block<3, 3>(0, 0) * u)};
        };
        const auto near = radial(rc - 1e-5), nearer = radial(rc - 1e-6), inside = radial(rc - 1e-2);
        QVERIFY(std::abs(inside[2]) > 0.1); // away from the cutoff nothing vanishes
        QVERIFY2(std::abs(near[0]) < 1e-12 && std::abs(near[1]) < 1e-7 && std::abs(near[2]) < 5e-3,
                 qPrintable(QString("%1 %2 %3").arg(near[0]).arg(near[1]).arg(near[2])));
        QVERIFY(std::abs(nearer[2] / near[2] - 0.1) < 0.01); // V'' ~ (r_c - r)
        QVERIFY(std::abs(nearer[1] / near[1] - 0.01) < 0.002); // V' ~ (r_c - r)^2
        const auto beyond = radial(rc + 1e-6);
        QCOMPARE(beyond[0], 0.0);
        QCOMPARE(beyond[1], 0.0);
        QCOMPARE(beyond[2], 0.0);
        // d2V/dr2 against a central difference of the formula's dV/dr well inside.
        const double r = 1.05 * s, h = 1e-5;
        const double d2 = (pairEnergy(r + h, si, sj) - 2 * pairEnergy(r, si, sj) + pairEnergy(r - h, si, sj)) / (h * h);
        QVERIFY2(std::abs(radial(r)[2] - d2) < 1e-4 * std::abs(d2), qPrintable(QString("%1 vs %2").arg(radial(r)[2]).arg(d2)));
    }

    void forcesAndHessianMatchFiniteDifferences_data() {
        QTest::addColumn<int>("n");
        QTest::newRow("N=100 (all pairs)") << 100;
        QTest::newRow("N=300 (Verlet list)") << 300;
    }
    void forcesAndHessianMatchFiniteDifferences() {
        QFETCH(int, n);
        const Model m = Model::preset("soft-spheres");
        const Configuration c = liquid(n, 11);
        PairPotential p(m, c);
        QCOMPARE(p.usesNeighbourList(), n >= 128);
        QVERIFY(forceError(p, c.positions) < 1e-6);
        Eigen::VectorXd fRef;
        Eigen::VectorXd f;
        const double e = p.energyAndForce(c.positions, f);
        // The per-particle energies add up to the total; the scalar reference gives the same.
        QVERIFY(std::abs(p.particleEnergies(c.positions).sum() - e) < 1e-10 * std::abs(e));
        QVERIFY(std::abs(p.referenceEnergyForce(c.positions, fRef) - e) < 1e-12 * std::abs(e));
        // Hessian: central differences of the forces, for a few particles' coordinates.
        const Eigen::MatrixXd h = p.hessian(c.positions);
        QVERIFY((h - h.transpose()).cwiseAbs().maxCoeff() < 1e-9);
        QVERIFY((Eigen::MatrixXd(p.sparseHessian(c.positions)) - h).cwiseAbs().maxCoeff() < 1e-10);
        Eigen::VectorXd x = c.positions, fp, fm;
        const double step = 1e-6;
        double worst = 0.0;
        for (Eigen::Index k : {Eigen::Index(0), Eigen::Index(7), Eigen::Index(3 * n / 2 + 1), Eigen::Index(3 * n - 1)}) {
            x[k] += step;
            p.energyAndForce(x, fp);
            x[k] -= 2 * step;
            p.energyAndForce(x, fm);
            x[k] += step;
            const Eigen::VectorXd column = -(fp - fm) / (2 * step);
            worst = std::max(worst, (column - h.col(k)).cwiseAbs().maxCoeff() / std::max(1.0, h.col(k).cwiseAbs().maxCoeff()));
        }
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
        // A minimum has exactly three zero modes (translations) and otherwise positive curvature.
        Eigen::VectorXd xm = c.positions;
        MinimizerOptions o;
        o.forceTolerance = 1e-9;
        QVERIFY(minimize(p, xm, MinimizerKind::Lbfgs, o).converged());
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(p.hessian(xm));
        QVERIFY(std::abs(eig.eigenvalues()[2]) < 1e-7 && eig.eigenvalues()[3] > 1e-4);
    }

    void needsADiameterForEveryParticle() {
        const Model m = Model::preset("soft-spheres");
        Configuration c = dimer(1.0, 1.0, 1.0);
        c.diameters.pop_back();
        QVERIFY_THROWS_EXCEPTION(InputError, PairPotential(m, c));
        QVERIFY_THROWS_EXCEPTION(InputError, c.validateAgainst(m, "test"));
        c.diameters = {1.0, -1.0};
        QVERIFY_THROWS_EXCEPTION(InputError, c.validateAgainst(m, "test"));
        // A large particle's cutoff must fit the box.
        Configuration big = dimer(1.0, 1.0, 2.3, 5.0);
        QVERIFY_THROWS_EXCEPTION(InputError, PairPotential(m, big));
    }

    void swapsKeepTheEnergyAndRespectTheDiameterRule() {
        const Model m = Model::preset("soft-spheres");
        RandomStream rng(4);
        const Configuration start = randomLatticeStart(m, 700, rng);
        SwapMonteCarlo mc(m, start, RandomStream(5));
        SwapMcParameters p;
        p.temperature = 0.2;
        p.swapProbability = 0.5;
        SwapMcStatistics stats;
        for (int block = 0; block < 10; ++block) {
            for (int k = 0; k < 500; ++k) mc.move(p, stats);
            const Configuration c = mc.configuration();
            PairPotential pot(m, c);
            QVERIFY(std::abs(mc.energy() - pot.energy(c.positions)) < 1e-9 * std::abs(mc.energy()));
        }
        QVERIFY(stats.swapsAccepted > 0 && stats.swapsForbidden > 0);
        // Swaps permute the diameters: the same multiset.
        std::vector<double> a = start.diameters, b = mc.configuration().diameters;
        QVERIFY(a != b);
        std::sort(a.begin(), a.end());
        std::sort(b.begin(), b.end());
        QCOMPARE(a, b);
        // Two sizes 0.4 apart: every swap is rejected outright and nothing is exchanged.
        Configuration two = start;
        for (std::size_t i = 0; i < two.diameters.size(); ++i) two.diameters[i] = i % 2 ? 0.8 : 1.2;
        SwapMonteCarlo mc2(m, two, RandomStream(6));
        SwapMcStatistics s2;
        p.swapProbability = 1.0;
        for (int k = 0; k < 5; ++k) mc2.sweep(p, s2);
        QCOMPARE(s2.swaps, 0L); // equal diameters: no move; 0.4 apart: forbidden
        QVERIFY(s2.swapsForbidden > 1000);
        QCOMPARE(s2.swapsForbidden + s2.swapsSameSpecies, 5L * 700);
        QCOMPARE(mc2.configuration().diameters, two.diameters);
    }

    void preparationCoolsAndIsReproducible() {
        const Model m = Model::preset("soft-spheres");
        SwapPreparationParameters p;
        p.startTemperature = 0.3;
        p.finalTemperature = 0.12;
        p.coolingSweeps = 100;
        p.sweeps = 100;
        p.logEvery = 10;
        const SwapPreparationResult a = prepareSwapGlass(m, 300, p, 7), b = prepareSwapGlass(m, 300, p, 7);
        QVERIFY(a.configuration.positions == b.configuration.positions);
        QCOMPARE(a.configuration.diameters, b.configuration.diameters);
        QVERIFY(a.energyPerParticle.back().second < a.energyPerParticle.front().second);
        // Ninarello et al. report 20-30 % accepted diameter swaps near T_MCT.
        QVERIFY2(a.production.swapAcceptance() > 0.1 && a.production.swapAcceptance() < 0.5,
                 qPrintable(QString::number(a.production.swapAcceptance())));
    }

    /// A preparation continued from any checkpoint (through its file) ends in the same glass,
    /// bit for bit, as one that never stopped: during cooling (the step still tuning) and in
    /// production (the relaxation measured from production's start).
    void checkpointsResumeToTheSameGlass() {
        const Model m = Model::preset("soft-spheres");
        SwapPreparationParameters p;
        p.startTemperature = 0.3;
        p.finalTemperature = 0.15;
        p.coolingSweeps = 100;
        p.sweeps = 120;
        p.logEvery = 10;
        std::vector<SwapCheckpoint> saved;
        SwapCheckpointing every40;
        every40.every = 40;
        every40.write = [&](const SwapCheckpoint& cp) { saved.push_back(cp); };
        const SwapPreparationResult full = prepareSwapGlass(m, 200, p, 9, {}, nullptr, every40);
        QCOMPARE(saved.size(), std::size_t(5)); // sweeps 40, 80, 120, 160, 200
        QTemporaryDir dir;
        const std::map<std::string, std::string> id{{"seed", "9"}, {"t_f", "0.15"}};
        for (std::size_t k : {std::size_t(1), std::size_t(3)}) {
            const std::string path = dir.filePath("cp.xyz").toStdString();
            writeSwapCheckpoint(path, saved[k], m, id);
            const SwapCheckpoint back = readSwapCheckpoint(path, m, id);
            QCOMPARE(back.sweep, saved[k].sweep);
            QVERIFY(back.rng == saved[k].rng);
            SwapCheckpointing resume;
            resume.resumeFrom = &back;
            const SwapPreparationResult r = prepareSwapGlass(m, 200, p, 9, {}, nullptr, resume);
            QVERIFY(r.configuration.positions == full.configuration.positions);
            QCOMPARE(r.configuration.diameters, full.configuration.diameters);
            QCOMPARE(r.energy, full.energy);
            QCOMPARE(r.displacement, full.displacement);
            QCOMPARE(r.production.swapsAccepted, full.production.swapsAccepted);
            QCOMPARE(r.productionFs, full.productionFs);
            QCOMPARE(r.energyPerParticle.size(), full.energyPerParticle.size());
        }
        // A checkpoint of another run is refused, naming the difference.
        const std::string path = dir.filePath("cp.xyz").toStdString();
        try {
            readSwapCheckpoint(path, m, {{"seed", "10"}, {"t_f", "0.15"}});
            QFAIL("accepted another run's checkpoint");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("seed"), e.what());
        }
    }

    void diametersTravelThroughFiles() {
        const Model m = Model::preset("soft-spheres");
        const Configuration c = liquid(150, 2);
        QTemporaryDir dir;
        const std::string xyz = dir.filePath("g.xyz").toStdString(), data = dir.filePath("g.data").toStdString();
        writeConfigurationFile(xyz, c, m, {});
        writeConfigurationFile(data, c, m, {});
        PairPotential reference(m, c);
        const double e = reference.energy(c.positions);
        for (const std::string& path : {xyz, data}) {
            const LoadedConfiguration back = readConfigurationFile(path, m);
            QCOMPARE(back.conf.diameters, c.diameters); // 17 digits: exact
            PairPotential p(m, back.conf);
            QVERIFY(std::abs(p.energy(back.conf.positions) - e) < 1e-10 * std::abs(e));
        }
        // A LAMMPS dump with a radius column.
        std::ostringstream dump;
        dump << "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n2\nITEM: BOX BOUNDS pp pp pp\n0 6\n0 6\n0 6\n"
                "ITEM: ATOMS id type x y z radius\n1 1 0 0 0 0.5\n2 1 1.1 0 0 0.6\n";
        std::istringstream in(dump.str());
        const LammpsImport d = readLammpsDump(in, "dump", m);
        QCOMPARE(d.conf.diameters, (std::vector<double>{1.0, 1.2}));
        // Without a diameter column a soft-sphere model says what is missing.
        Configuration plain = c;
        plain.diameters.clear();
        writeXyzFile(xyz, {plain}, m);
        try {
            readConfigurationFile(xyz, m);
            QFAIL("read a soft-sphere glass without diameters");
        } catch (const InputError& err) {
            QVERIFY2(QString(err.what()).contains("diameter"), err.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, lammpsInputScript(m, "g.data"));
    }

    void modelFilesRoundTrip() {
        const Model m = Model::preset("soft-spheres");
        const Model back = Model::parse(m.serialize(), "ss.model");
        QVERIFY(back.interaction == Interaction::SoftSphere);
        QCOMPARE(back.softSphere.ratio, 2.219);
        QCOMPARE(back.softSphere.cutoffFactor, 1.25);
        QCOMPARE(back.density, 1.0);
        const Model custom = Model::parse("species S mass 1 fraction 1\nsoft-spheres ratio 1.5 max-swap-difference 0.1\n", "c.model");
        QCOMPARE(custom.softSphere.ratio, 1.5);
        QCOMPARE(custom.softSphere.nonAdditivity, 0.2);
        QVERIFY_THROWS_EXCEPTION(InputError, Model::parse("species S mass 1 fraction 1\nsoft-spheres ratio 0.5\n", "bad.model"));
        QVERIFY_THROWS_EXCEPTION(InputError, Model::parse("species S mass 1 fraction 1\nsoft-spheres colour 1\n", "bad.model"));
        QVERIFY_THROWS_EXCEPTION(InputError,
                                 Model::parse("species S mass 1 fraction 1\nsoft-spheres\npair S S sigma 1 epsilon 1 cutoff 2\n", "bad.model"));
    }
};

QTEST_GUILESS_MAIN(TestSoftSpheres)
#include "test_soft_spheres.moc"
