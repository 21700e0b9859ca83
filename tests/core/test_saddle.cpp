// NEB + saddle refinement on the Mueller-Brown surface, whose minima and saddles are known
// (Mueller & Brown 1979; values to 3 decimals in many references).
#include "core/landscape/Minimizer.h"
#include "core/landscape/Neb.h"
#include "core/landscape/Ridge.h"

#include <QtTest>

using namespace tlscope;

namespace {
class MuellerBrown final : public EnergySurface {
    static constexpr double A[4] = {-200, -100, -170, 15}, a[4] = {-1, -1, -6.5, 0.7},
                            b[4] = {0, 0, 11, 0.6}, c[4] = {-10, -10, -6.5, 0.7},
                            x0[4] = {1, 0, -0.5, -1}, y0[4] = {0, 0.5, 1.5, 1};

public:
    Eigen::Index dimension() const override { return 2; }
    double energyAndForce(const Eigen::VectorXd& p, Eigen::VectorXd& f) override {
        double e = 0;
        f = Eigen::VectorXd::Zero(2);
        for (int k = 0; k < 4; ++k) {
            const double dx = p[0] - x0[k], dy = p[1] - y0[k];
            const double t = A[k] * std::exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
            e += t;
            f[0] -= t * (2 * a[k] * dx + b[k] * dy);
            f[1] -= t * (b[k] * dx + 2 * c[k] * dy);
        }
        return e;
    }
    Eigen::MatrixXd hessian(const Eigen::VectorXd& p) override {
        Eigen::MatrixXd h = Eigen::MatrixXd::Zero(2, 2);
        for (int k = 0; k < 4; ++k) {
            const double dx = p[0] - x0[k], dy = p[1] - y0[k];
            const double t = A[k] * std::exp(a[k] * dx * dx + b[k] * dx * dy + c[k] * dy * dy);
            const double gx = 2 * a[k] * dx + b[k] * dy, gy = b[k] * dx + 2 * c[k] * dy;
            h(0, 0) += t * (gx * gx + 2 * a[k]);
            h(1, 1) += t * (gy * gy + 2 * c[k]);
            h(0, 1) += t * (gx * gy + b[k]);
        }
        h(1, 0) = h(0, 1);
        return h;
    }
};

/// The current Müller-Brown data row: both minima relaxed, and the saddle between them.
struct KnownSaddle {
    Eigen::VectorXd a, b;
    double sx, sy, energy;
};

KnownSaddle fetchKnownSaddle(MuellerBrown& mb) {
    QFETCH(double, ax);
    QFETCH(double, ay);
    QFETCH(double, bx);
    QFETCH(double, by);
    QFETCH(double, sx);
    QFETCH(double, sy);
    QFETCH(double, es);
    KnownSaddle k{Eigen::Vector2d(ax, ay), Eigen::Vector2d(bx, by), sx, sy, es};
    minimize(mb, k.a, MinimizerKind::Lbfgs, {});
    minimize(mb, k.b, MinimizerKind::Lbfgs, {});
    return k;
}

/// A refined saddle is the known one: converged, index 1, position and energy.
void checkKnownSaddle(const KnownSaddle& k, const SaddleResult& s) {
    QVERIFY(s.converged);
    QCOMPARE(s.negativeModes, 1);
    QVERIFY2(std::abs(s.x[0] - k.sx) < 2e-3 && std::abs(s.x[1] - k.sy) < 2e-3,
             qPrintable(QString("%1 %2").arg(s.x[0]).arg(s.x[1])));
    QVERIFY(std::abs(s.energy - k.energy) < 2e-3);
}
} // namespace

/// A free 2D Lennard-Jones cluster (epsilon = sigma = 1), the heptamer of saddle-search tests.
class LjCluster2D final : public EnergySurface {
public:
    explicit LjCluster2D(int n) : n_(n) {}
    Eigen::Index dimension() const override { return 2 * n_; }
    double energyAndForce(const Eigen::VectorXd& x, Eigen::VectorXd& f) override {
        f = Eigen::VectorXd::Zero(2 * n_);
        double e = 0;
        for (int i = 0; i < n_; ++i)
            for (int j = i + 1; j < n_; ++j) {
                const Eigen::Vector2d d = x.segment<2>(2 * i) - x.segment<2>(2 * j);
                const double r2 = d.squaredNorm(), s6 = 1.0 / (r2 * r2 * r2);
                e += 4 * (s6 * s6 - s6);
                const Eigen::Vector2d fij = (24 * (2 * s6 * s6 - s6) / r2) * d;
                f.segment<2>(2 * i) += fij;
                f.segment<2>(2 * j) -= fij;
            }
        return e;
    }
    Eigen::MatrixXd hessian(const Eigen::VectorXd& x) override {
        Eigen::MatrixXd h(2 * n_, 2 * n_);
        Eigen::VectorXd fp, fm;
        for (int k = 0; k < 2 * n_; ++k) {
            Eigen::VectorXd a = x, b = x;
            a[k] += 1e-6, b[k] -= 1e-6;
            energyAndForce(a, fp);
            energyAndForce(b, fm);
            h.col(k) = -(fp - fm) / 2e-6;
        }
        return 0.5 * (h + h.transpose());
    }
    int zeroModeCount() const override { return 3; } // two translations, one rotation

private:
    int n_;
};

class TestSaddle : public QObject {
    Q_OBJECT
private slots:
    void hessianOfTestSurfaceIsRight() {
        MuellerBrown mb;
        Eigen::VectorXd p(2), fp, fm;
        p << -0.3, 0.9;
        const Eigen::MatrixXd h = mb.hessian(p);
        for (int k = 0; k < 2; ++k) {
            Eigen::VectorXd q = p;
            q[k] += 1e-6;
            mb.energyAndForce(q, fp);
            q[k] -= 2e-6;
            mb.energyAndForce(q, fm);
            QVERIFY(((fm - fp) / 2e-6 - h.col(k)).cwiseAbs().maxCoeff() < 1e-4);
        }
    }
    void nebFindsTheKnownSaddles_data() {
        QTest::addColumn<double>("ax");
        QTest::addColumn<double>("ay");
        QTest::addColumn<double>("bx");
        QTest::addColumn<double>("by");
        QTest::addColumn<double>("sx");
        QTest::addColumn<double>("sy");
        QTest::addColumn<double>("es");
        QTest::newRow("A-C") << -0.558 << 1.442 << -0.050 << 0.467 << -0.822 << 0.624 << -40.665;
        QTest::newRow("C-B") << -0.050 << 0.467 << 0.623 << 0.028 << 0.212 << 0.293 << -72.249;
    }
    void nebFindsTheKnownSaddles() {
        MuellerBrown mb;
        const KnownSaddle k = fetchKnownSaddle(mb);
        const Eigen::VectorXd &a = k.a, &b = k.b;
        NebOptions o;
        o.forceTolerance = 0.5;
        o.maxStep = 0.01;
        const NebResult neb = nudgedElasticBand(mb, a, b, o);
        QVERIFY2(neb.converged, neb.message.c_str());
        const SaddleResult s = refineSaddle(mb, neb.images[neb.climbingIndex], 1e-9);
        checkKnownSaddle(k, s);
        if (QTest::currentTestFailed()) return;
        // Descending along +- the unstable mode reaches the two minima.
        for (double sign : {-1.0, 1.0}) {
            Eigen::VectorXd x = s.x + sign * 0.01 * s.unstableMode;
            minimize(mb, x, MinimizerKind::Lbfgs, {});
            QVERIFY((x - a).norm() < 1e-5 || (x - b).norm() < 1e-5);
        }
    }
    void ridgeFindsTheKnownSaddles_data() { nebFindsTheKnownSaddles_data(); }
    void ridgeFindsTheKnownSaddles() {
        MuellerBrown mb;
        const KnownSaddle k = fetchKnownSaddle(mb);
        const Eigen::VectorXd &a = k.a, &b = k.b;
        RidgeOptions o;
        o.forceTolerance = 1.0; // the surface's scale is ~100 per unit length
        o.initialSeparation = 0.02;
        const RidgeResult ridge = ridgeSaddle(mb, a, b, o);
        QVERIFY2(ridge.converged, ridge.message.c_str());
        checkKnownSaddle(k, refineSaddle(mb, ridge.x, 1e-9));
    }
    void ljHeptamerSaddleByNebAndRidge() {
        // The 2D LJ7 ground state (a centred hexagon, E = -12.5348) and a neighbouring minimum
        // with one outer atom moved to the surface.
        LjCluster2D lj(7);
        const double a = std::pow(2.0, 1.0 / 6.0);
        Eigen::VectorXd m1 = Eigen::VectorXd::Zero(14);
        for (int k = 0; k < 6; ++k) m1.segment<2>(2 * (k + 1)) << a * std::cos(k * M_PI / 3), a * std::sin(k * M_PI / 3);
        QVERIFY(minimize(lj, m1, MinimizerKind::Lbfgs, {}).converged());
        QVERIFY2(std::abs(lj.energy(m1) + 12.5348) < 1e-3, qPrintable(QString::number(lj.energy(m1), 'f', 6)));
        Eigen::VectorXd m2 = m1;
        m2.segment<2>(2) << 0.0, std::sqrt(3.0) * a; // atom 1 onto the hollow outside atoms 2 and 3
        QVERIFY(minimize(lj, m2, MinimizerKind::Lbfgs, {}).converged());
        const double e1 = lj.energy(m1), e2 = lj.energy(m2);
        QVERIFY(e2 > e1 + 0.1);
        NebOptions o;
        o.forceTolerance = 1e-3;
        o.interiorImages = 9;
        const NebResult neb = nudgedElasticBand(lj, m1, m2, o);
        QVERIFY2(neb.converged, neb.message.c_str());
        const SaddleResult s = refineSaddle(lj, neb.images[neb.climbingIndex], 1e-8);
        QVERIFY(s.converged);
        QCOMPARE(s.negativeModes, 1);
        QVERIFY(s.energy > e2);
        // Descending along +- the unstable mode reaches the two minima.
        double reached[2] = {HUGE_VAL, HUGE_VAL};
        for (int k = 0; k < 2; ++k) {
            Eigen::VectorXd x = s.x + (k ? 1.0 : -1.0) * 0.01 * s.unstableMode;
            QVERIFY(minimize(lj, x, MinimizerKind::Lbfgs, {}).converged());
            reached[k] = lj.energy(x);
        }
        QVERIFY(std::min(std::abs(reached[0] - e1), std::abs(reached[1] - e1)) < 1e-7);
        QVERIFY(std::min(std::abs(reached[0] - e2), std::abs(reached[1] - e2)) < 1e-7);
        // The ridge method finds the same saddle.
        RidgeOptions ro;
        ro.forceTolerance = 2e-2; // eigenvector following converges it from there
        const RidgeResult ridge = ridgeSaddle(lj, m1, m2, ro);
        // On this strongly curved path (an atom hopping round the cluster) the straddling pair may
        // lose the ridge; it then reports its last point on the ridge, which the refinement
        // takes to the same saddle (analyzeDoubleWell does exactly this).
        QVERIFY2(ridge.converged || ridge.x.size() == m1.size(), ridge.message.c_str());
        const SaddleResult s2 = refineSaddle(lj, ridge.x, 1e-8);
        QVERIFY(s2.converged);
        QVERIFY2(std::abs(s2.energy - s.energy) < 1e-8, qPrintable(QString("%1 vs %2").arg(s2.energy).arg(s.energy)));
    }
};

QTEST_GUILESS_MAIN(TestSaddle)
#include "test_saddle.moc"
