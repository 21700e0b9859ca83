// CG, FIRE and L-BFGS: exact minimum of a quadratic, same LJ minimum from the same start,
// non-convergence reported.
#include "TestSystems.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/landscape/Minimizer.h"
#include "core/potential/PairPotential.h"
#include "core/tls/Displacement.h"

using namespace tlscope;

namespace {
/// E = 1/2 (x - c)^T A (x - c) with an ill-conditioned diagonal A: minimum at c.
class Quadratic final : public EnergySurface {
public:
    Eigen::VectorXd a, c;
    Eigen::Index dimension() const override { return a.size(); }
    double energyAndForce(const Eigen::VectorXd& x, Eigen::VectorXd& f) override {
        f = -(a.array() * (x - c).array()).matrix();
        return 0.5 * (x - c).dot((a.array() * (x - c).array()).matrix());
    }
    Eigen::MatrixXd hessian(const Eigen::VectorXd&) override { return a.asDiagonal(); }
};
} // namespace

class TestMinimizer : public QObject {
    Q_OBJECT
private slots:
    void quadraticExactMinimum_data() {
        QTest::addColumn<QString>("kind");
        QTest::newRow("cg") << "cg";
        QTest::newRow("fire") << "fire";
        QTest::newRow("lbfgs") << "lbfgs";
    }
    void quadraticExactMinimum() {
        QFETCH(QString, kind);
        Quadratic q;
        q.a = Eigen::VectorXd::LinSpaced(12, 1.0, 200.0);
        q.c = Eigen::VectorXd::LinSpaced(12, -0.3, 0.4);
        Eigen::VectorXd x = Eigen::VectorXd::Zero(12);
        const auto r = minimize(q, x, parseMinimizer(kind.toStdString()));
        QVERIFY2(r.converged(), r.describe().c_str());
        QVERIFY((x - q.c).cwiseAbs().maxCoeff() < 1e-10);
    }
    void allMinimizersReachTheSameLjMinimum() {
        const Model m = Model::preset("ka-rh");
        // A glass minimum shaken by up to 0.04 per coordinate: one basin, three algorithms.
        Configuration start = test::demoGlass();
        RandomStream rng(21);
        for (Eigen::Index k = 0; k < start.positions.size(); ++k)
            start.positions[k] += 0.08 * (rng.uniform() - 0.5);
        Eigen::VectorXd mass(start.size());
        for (int i = 0; i < start.size(); ++i) mass[i] = m.species[start.species[i]].mass;
        std::vector<Eigen::VectorXd> minima;
        std::vector<double> energies;
        for (auto kind : {MinimizerKind::ConjugateGradient, MinimizerKind::Fire, MinimizerKind::Lbfgs}) {
            PairPotential p(m, start);
            Eigen::VectorXd x = start.positions;
            const auto r = minimize(p, x, kind);
            QVERIFY2(r.converged(), r.describe().c_str());
            QVERIFY(r.maxForce < 1e-10);
            Eigen::VectorXd f;
            QVERIFY(std::abs(p.energyAndForce(x, f) - r.energy) < 1e-12);
            minima.push_back(x);
            energies.push_back(r.energy);
        }
        for (int k = 1; k < 3; ++k) {
            QVERIFY(std::abs(energies[k] - energies[0]) < 1e-8);
            QVERIFY(distance(minima[0], minima[k], start.boxLength, mass) < 1e-5);
        }
    }
    void lbfgsQuenchesKicksToTheMinimaCgFindsWithFewerEvaluations() {
        // The search's situation (PHYSICS.md §4): a glass minimum kicked at T = 0.6 and run for
        // 150 NVE steps, then quenched to max |F| < 1e-10. L-BFGS (the search's default) must
        // land where CG (the paper's minimizer) lands from nearly every kick, with fewer force
        // evaluations (counted, not timed).
        const Model m = Model::preset("ka-rh");
        const Configuration glass = test::demoGlass();
        PairPotential p(m, glass);
        Eigen::VectorXd mass(glass.size());
        for (int i = 0; i < glass.size(); ++i) mass[i] = m.species[glass.species[i]].mass;
        int same = 0, left = 0;
        long evalsCg = 0, evalsLbfgs = 0;
        constexpr int kicks = 40;
        for (int k = 0; k < kicks; ++k) {
            MolecularDynamics md(p, glass.massVector(m), {}, RandomStream(9, static_cast<std::uint64_t>(k)));
            md.setPositions(glass.positions);
            md.drawVelocities(0.6);
            md.run(150);
            Eigen::VectorXd a = md.state().positions, b = a;
            const auto ra = minimize(p, a, MinimizerKind::ConjugateGradient);
            const auto rb = minimize(p, b, MinimizerKind::Lbfgs);
            QVERIFY2(ra.converged() && rb.converged(), (ra.describe() + " / " + rb.describe()).c_str());
            evalsCg += ra.forceEvaluations, evalsLbfgs += rb.forceEvaluations;
            same += distance(a, b, glass.boxLength, mass) < 1e-5;
            left += distance(glass.positions, a, glass.boxLength, mass) > 1e-3;
        }
        qInfo("same minimum from %d of %d kicks (%d left the start); force evaluations per quench: CG %ld, L-BFGS %ld",
              same, kicks, left, evalsCg / kicks, evalsLbfgs / kicks);
        QVERIFY(left >= 5); // the kicks do reach other minima, so the comparison means something
        QVERIFY(same >= kicks - 2);
        QVERIFY(evalsLbfgs < 0.75 * evalsCg);
    }
    void recognisedQuenchesEndWhereFullQuenchesEnd() {
        // The search's early end (Search.cpp): a quench within 1e-5 of the start minimum with
        // max |F| < 1e-6 is recognised as back in the start. Premise checked on 60 kicks: every
        // recognised quench, run to 1e-10 instead, ends at the start, and recognition saves
        // evaluations.
        const Model m = Model::preset("ka-rh");
        const Configuration glass = test::demoGlass();
        PairPotential p(m, glass);
        Eigen::VectorXd mass(glass.size());
        for (int i = 0; i < glass.size(); ++i) mass[i] = m.species[glass.species[i]].mass;
        const double e0 = p.energy(glass.positions);
        MinimizerOptions early;
        early.recognise = [&](const Eigen::VectorXd& y, double e) {
            return std::abs(e - e0) < 1e-7 && distance(glass.positions, y, glass.boxLength, mass) < 1e-5;
        };
        int recognised = 0;
        long saved = 0;
        for (int k = 0; k < 60; ++k) {
            MolecularDynamics md(p, glass.massVector(m), {}, RandomStream(31, static_cast<std::uint64_t>(k)));
            md.setPositions(glass.positions);
            md.drawVelocities(0.6);
            md.run(150);
            Eigen::VectorXd a = md.state().positions, b = a;
            const auto full = minimize(p, a, MinimizerKind::Lbfgs);
            const auto quick = minimize(p, b, MinimizerKind::Lbfgs, early);
            QVERIFY(full.converged() && quick.converged());
            if (quick.status != MinimizationStatus::Recognised) {
                QVERIFY(distance(a, b, glass.boxLength, mass) < 1e-8); // not recognised: the same quench
                continue;
            }
            ++recognised;
            saved += full.forceEvaluations - quick.forceEvaluations;
            QVERIFY(quick.maxForce < 1e-6);
            QVERIFY2(distance(glass.positions, a, glass.boxLength, mass) < 1e-8, "a recognised quench converged elsewhere");
        }
        qInfo("%d of 60 kicks recognised as back in the start, %ld force evaluations saved each", recognised,
              recognised ? saved / recognised : 0L);
        QVERIFY(recognised >= 10);
        QVERIFY(saved > 0);
        QVERIFY(QString::fromStdString(MinimizationResult{MinimizationStatus::Recognised}.describe()).contains("recognised"));
    }
    void nonConvergenceIsReported() {
        const Model m = Model::preset("ka-rh");
        const Configuration start = test::liquid(65, 0.5, 22);
        PairPotential p(m, start);
        Eigen::VectorXd x = start.positions;
        MinimizerOptions o;
        o.maxIterations = 5;
        const auto r = minimize(p, x, MinimizerKind::ConjugateGradient, o);
        QVERIFY(!r.converged());
        QVERIFY(r.status == MinimizationStatus::MaxIterations);
        QVERIFY(QString::fromStdString(r.describe()).contains("did not converge"));
    }
    void stopTokenInterruptsMinimization() {
        const Configuration start = test::liquid(65, 0.5, 23);
        PairPotential p(Model::preset("ka-rh"), start);
        Eigen::VectorXd x = start.positions;
        std::atomic<bool> stop{true};
        MinimizerOptions o;
        o.stop = &stop;
        QVERIFY(minimize(p, x, MinimizerKind::Lbfgs, o).status == MinimizationStatus::Stopped);
    }
};

QTEST_GUILESS_MAIN(TestMinimizer)
#include "test_minimizer.moc"
