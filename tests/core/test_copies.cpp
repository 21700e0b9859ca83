// The paper's "2 x 65" system (Reinisch & Heuer, Sec. III): independent copies sharing one box,
// energies added (Model::copies). Every quantity is checked against the single copies computed
// on their own, against finite differences, or against hand-computed displacements.
#include "TestSystems.h"

#include "core/analysis/Analysis.h"
#include "core/common/Error.h"
#include "core/dynamics/SwapMonteCarlo.h"
#include "core/explore/Exploration.h"
#include "core/io/SessionFile.h"
#include "core/model/Model.h"
#include "core/potential/PairPotential.h"
#include "core/search/Search.h"
#include "core/tls/Displacement.h"
#include "core/tls/DoubleWell.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace tlscope;

namespace {

Model twoCopies(const std::string& preset = "ka-rh") {
    Model m = Model::preset(preset);
    m.copies = 2;
    return m;
}

/// Two independent 65-particle liquids, one after the other.
Configuration pairOfLiquids() {
    const Configuration a = test::liquid(65, 1.0, 11), b = test::liquid(65, 1.0, 12);
    Configuration c;
    c.boxLength = a.boxLength;
    c.positions.resize(3 * 130);
    c.positions << a.positions, b.positions;
    c.species = a.species;
    c.species.insert(c.species.end(), b.species.begin(), b.species.end());
    return c;
}

double relative(double a, double b) { return std::abs(a - b) / std::max(1.0, std::abs(b)); }

} // namespace

class TestCopies : public QObject {
    Q_OBJECT
private slots:
    void modelOfCopies() {
        const Model m = twoCopies();
        QCOMPARE(m.composition(130), (std::vector<int>{104, 26})); // 52 A + 13 B in each copy
        QCOMPARE(m.boxLengthFor(130), Model::preset("ka-rh").boxLengthFor(65));
        QCOMPARE(m.particlesPerCopy(130), 65);
        QCOMPARE(m.systemSize(130), std::string("2 x 65"));
        QCOMPARE(Model::preset("ka-rh").systemSize(130), std::string("130"));
        QVERIFY_THROWS_EXCEPTION(InputError, m.composition(131));
        // Model files: the keyword round-trips; files without it (every older session) are unchanged.
        QCOMPARE(Model::parse(m.serialize(), "m").copies, 2);
        QVERIFY(Model::preset("ka-rh").serialize().find("copies") == std::string::npos);
        const std::string text = Model::preset("ka-rh").serialize();
        for (const char* bad : {"copies 0\n", "copies 1.5\n", "copies\n", "copies 65\n"})
            QVERIFY_THROWS_EXCEPTION(InputError, Model::parse(text + bad, "m"));
        // A generated start puts each copy's composition in its own block.
        RandomStream rng(3, 0);
        const Configuration c = randomLatticeStart(m, 130, rng);
        QCOMPARE(c.size(), 130);
        for (int k = 0; k < 2; ++k)
            QCOMPARE(std::count(c.species.begin() + 65 * k, c.species.begin() + 65 * (k + 1), 1), 13L);
    }

    void onlyTheSearchTakesCopies() {
        const Model m = twoCopies();
        Configuration c = pairOfLiquids();
        QVERIFY_THROWS_EXCEPTION(InputError, SwapMonteCarlo(m, c, RandomStream(1, 0)));
        ExploreParameters e;
        e.model = twoCopies("soft-spheres");
        QVERIFY_THROWS_EXCEPTION(InputError, e.validate());
        SearchParameters p;
        p.model = m;
        p.particles = 131;
        QVERIFY_THROWS_EXCEPTION(InputError, p.validate());
        p.particles = 130;
        p.validate();
    }

    void energyForcesAndHessianAreThoseOfTheCopies() {
        const Configuration c = pairOfLiquids();
        const Model one = Model::preset("ka-rh");
        PairPotential whole(twoCopies(), c.species, c.boxLength);
        const std::vector<int> s0(c.species.begin(), c.species.begin() + 65), s1(c.species.begin() + 65, c.species.end());
        PairPotential p0(one, s0, c.boxLength), p1(one, s1, c.boxLength);
        const Eigen::VectorXd x0 = c.positions.head(195), x1 = c.positions.tail(195);
        Eigen::VectorXd f, f0, f1;
        const double e = whole.energyAndForce(c.positions, f);
        const double e0 = p0.energyAndForce(x0, f0), e1 = p1.energyAndForce(x1, f1);
        QVERIFY(relative(e, e0 + e1) < 1e-13);
        QVERIFY((f.head(195) - f0).norm() < 1e-12 && (f.tail(195) - f1).norm() < 1e-12);
        QVERIFY(relative(whole.energy(c.positions), e) < 1e-13);
        Eigen::VectorXd fr;
        QVERIFY(relative(whole.referenceEnergyForce(c.positions, fr), e) < 1e-12);
        QVERIFY((fr - f).norm() < 1e-9);
        QVERIFY(test::forceError(whole, c.positions) < 1e-6);
        // Copy 1 moved bodily onto copy 0 (particles of the two copies now overlap): nothing changes.
        Eigen::VectorXd moved = c.positions;
        for (int i = 65; i < 130; ++i) moved.segment<3>(3 * i) += Eigen::Vector3d(0.31, -0.17, 0.52);
        QVERIFY(relative(whole.energy(moved), e) < 1e-12);
        Eigen::VectorXd pe = whole.particleEnergies(c.positions);
        QVERIFY(relative(pe.sum(), e) < 1e-12);
        QVERIFY((pe.head(65) - p0.particleEnergies(x0)).norm() < 1e-12);
        // Block-diagonal Hessian, the sparse one equal, six zero modes annihilated by it.
        const Eigen::MatrixXd h = whole.hessian(c.positions);
        QVERIFY((h.topLeftCorner(195, 195) - p0.hessian(x0)).norm() < 1e-9);
        QVERIFY((h.bottomRightCorner(195, 195) - p1.hessian(x1)).norm() < 1e-9);
        QCOMPARE(h.topRightCorner(195, 195).norm(), 0.0);
        QVERIFY((Eigen::MatrixXd(whole.sparseHessian(c.positions)) - h).norm() < 1e-9);
        QCOMPARE(whole.zeroModeCount(), 6);
        const Eigen::MatrixXd z = whole.zeroModeBasis();
        QCOMPARE(z.cols(), Eigen::Index(6));
        QVERIFY((z.transpose() * z - Eigen::MatrixXd::Identity(6, 6)).norm() < 1e-12);
        QVERIFY((h * z).norm() < 1e-9 * h.norm());
        // A clone and a reset cache give the same numbers.
        auto copy = whole.clone();
        QVERIFY(relative(copy->energy(c.positions), e) < 1e-13);
        whole.resetCaches();
        QVERIFY(relative(whole.energy(c.positions), e) < 1e-13);
    }

    void displacementRemovesEachCopysDrift() {
        // Two copies of four particles (masses 1, 1, 1, 0.5). Copy 0 drifts by s0, copy 1 by s1,
        // and particle 5 moves by delta on top: after each copy's centre-of-mass shift is removed
        // only particle 5's move remains, less its share of its copy's centre of mass (M = 3.5).
        const double L = 6.0;
        Eigen::VectorXd mass(8);
        mass << 1, 1, 1, 0.5, 1, 1, 1, 0.5;
        Eigen::VectorXd a(24);
        for (int k = 0; k < 24; ++k) a[k] = 0.7 * k - 5.0 * std::floor(0.7 * k / 5.0);
        const Eigen::Vector3d s0(0.2, -0.1, 0.05), s1(-0.3, 0.15, 0.4), delta(0.1, 0.2, -0.05);
        Eigen::VectorXd b = a;
        for (int i = 0; i < 4; ++i) b.segment<3>(3 * i) += s0;
        for (int i = 4; i < 8; ++i) b.segment<3>(3 * i) += s1;
        b.segment<3>(15) += delta;
        Eigen::VectorXd expected = Eigen::VectorXd::Zero(24);
        for (int i = 4; i < 8; ++i) expected.segment<3>(3 * i) = -delta / 3.5;
        expected.segment<3>(15) += delta;
        const Eigen::VectorXd d = comCorrectedDisplacement(a, b, L, mass, 2);
        QVERIFY((d - expected).norm() < 1e-14);
        QVERIFY(std::abs(distance(a, b, L, mass, 2) - expected.norm()) < 1e-14);
        QVERIFY(distance(a, b, L, mass) > 3 * expected.norm()); // one centre of mass: the drift counts
        double mw = 0.0;
        for (int i = 0; i < 8; ++i) mw += mass[i] * expected.segment<3>(3 * i).squaredNorm();
        QVERIFY(std::abs(massWeightedDistance(a, b, L, mass, 2) - std::sqrt(mw)) < 1e-14);
        const DisplacementProfile p = displacementProfile(a, b, L, mass, 2);
        QCOMPARE(p.centralParticle, 5);
        QVERIFY((alignCopies(a, b, L, mass, 2) - (a + expected)).norm() < 1e-14);
        // Drift alone: the same minimum for a system of copies, not for one system.
        Eigen::VectorXd drifted = b;
        drifted.segment<3>(15) -= delta;
        QVERIFY(sameMinimum(a, 0.0, drifted, 0.0, L, mass, 1e-9, 1e-7, 2));
        QVERIFY(!sameMinimum(a, 0.0, drifted, 0.0, L, mass, 1e-3, 1e-7, 1));
    }

    void searchOfTwoCopiesFindsTheDwpsOfEachCopy() {
        // The 2 x 65 search, and every DWP it verifies analysed again inside the one copy that
        // moves, as an ordinary 65-particle system: the same pair, the same numbers.
        SearchParameters p;
        p.model = twoCopies();
        p.particles = 130;
        p.starts = 3;
        p.attempts = 60;
        p.equilibrationTime = 20;
        p.seed = 4;
        p.threads = 2;
        QTemporaryDir dir;
        const std::string path = dir.filePath("two.tls.h5").toStdString();
        {
            SessionWriter writer(path, p);
            Search search(p);
            QVERIFY(search.run(writer));
            writer.close();
        }
        const SessionData s = readSession(path);
        QCOMPARE(s.parameters.model.copies, 2);
        QVERIFY2(!s.doubleWells.empty(), "the 2 x 65 search found no DWP: nothing below would be tested");
        const Model one = Model::preset("ka-rh");
        const Eigen::VectorXd mass = relativeMasses(p.model, s.doubleWells.front().species);
        int checked = 0;
        for (const DwpRecord& r : s.doubleWells) {
            const DoubleWell& w = r.dwp;
            for (int k = 0; k < 2; ++k)
                QCOMPARE(std::count(r.species.begin() + 65 * k, r.species.begin() + 65 * (k + 1), 1), 13L);
            const Eigen::VectorXd d = comCorrectedDisplacement(w.minimum1, w.minimum2, p.model.boxLengthFor(130), mass, 2);
            const int moving = d.head(195).norm() > d.tail(195).norm() ? 0 : 1;
            QVERIFY2(d.segment(195 * (1 - moving), 195).norm() < 1e-4, "a DWP of the 2 x 65 system moves both copies");
            QCOMPARE(w.centralParticle / 65, moving);
            const std::vector<int> species(r.species.begin() + 65 * moving, r.species.begin() + 65 * (moving + 1));
            PairPotential single(one, species, p.model.boxLengthFor(130));
            DoubleWellOptions o; // as the search sets them
            o.hbar = one.units.hbar();
            o.tlsThreshold = one.units.fromKelvin(p.tlsThresholdKelvin);
            o.path.step = p.ircStep;
            o.minimumBarrier = p.minimumBarrier;
            const DoubleWellAnalysis again =
                analyzeDoubleWell(single, w.minimum1.segment(195 * moving, 195), w.minimum2.segment(195 * moving, 195), o);
            QVERIFY2(again.accepted, again.reason.c_str());
            const DoubleWell& v = again.dwp;
            QVERIFY(std::abs(v.asymmetry - w.asymmetry) < 1e-9);
            QVERIFY(std::abs(v.barrier - w.barrier) < 1e-7);
            QVERIFY(std::abs(v.d - w.d) < 1e-5);
            QVERIFY(std::abs(v.dMassWeightedReactionPath - w.dMassWeightedReactionPath) < 1e-4);
            QCOMPARE(v.centralParticle + 65 * moving, w.centralParticle);
            QVERIFY(std::abs(v.pr2 - w.pr2) < 1e-3 * w.pr2);
            QVERIFY(relative(v.quantum.splitting, w.quantum.splitting) < 1e-6);
            ++checked;
        }
        qInfo("%d DWPs of the 2 x 65 system analysed again in their copy", checked);
        // The analysis counts each copy's volume and never measures between copies.
        const CatalogAnalysis a = analyzeCatalog(s);
        QCOMPARE(a.copies, 2);
        QCOMPARE(a.systemSize, std::string("2 x 65"));
        const double L = p.model.boxLengthFor(130) * one.units.sigmaAngstrom * 1e-10;
        QVERIFY(relative(a.volumeCubicMetres, 3 * 2 * L * L * L) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestCopies)
#include "test_copies.moc"
