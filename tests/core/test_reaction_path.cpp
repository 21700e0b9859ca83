// The resolved reaction path (IRC by local quadratic steps, continuation past the minima) on
// analytic landscapes whose minimum-energy path and 1D levels are known exactly: Razavy's double
// well along x with harmonic y, z (a straight path), and the same well bent onto a circle of
// radius R (a curved path of arc length R theta).
#include "core/landscape/ReactionPath.h"
#include "core/model/Units.h"
#include "core/tls/DoubleWell.h"

#include <QtTest>

#include <cmath>

using namespace tlscope;

namespace {

/// Razavy's well (see test_schrodinger): exact E0, E1 = -u (1 +- xi), u = hbar^2 / (2 a^2).
struct Razavy {
    double a = 0.06, xi = 0.05, hbar = units::hbarReduced;
    double u() const { return hbar * hbar / (2 * a * a); }
    double v(double s) const {
        const double x = s / a;
        return u() * (xi * xi / 8 * std::cosh(4 * x) - 2 * xi * std::cosh(2 * x) - xi * xi / 8);
    }
    double dv(double s) const {
        const double x = s / a;
        return u() / a * (xi * xi / 2 * std::sinh(4 * x) - 4 * xi * std::sinh(2 * x));
    }
    double sMin() const { return a * 0.5 * std::acosh(4 / xi); }
    double exactSplitting() const { return 2 * u() * xi; }
};

/// A landscape with an analytic gradient; the Hessian by central differences of it.
class AnalyticSurface : public EnergySurface {
public:
    Eigen::Index dimension() const override { return 3; }
    Eigen::MatrixXd hessian(const Eigen::VectorXd& x) override {
        Eigen::MatrixXd h(3, 3);
        const double d = 1e-6;
        Eigen::VectorXd fp, fm;
        for (int j = 0; j < 3; ++j) {
            Eigen::VectorXd xp = x, xm = x;
            xp[j] += d, xm[j] -= d;
            energyAndForce(xp, fp);
            energyAndForce(xm, fm);
            h.col(j) = -(fp - fm) / (2 * d);
        }
        return 0.5 * (h + h.transpose());
    }
};

/// V = Razavy(x) + k/2 (y^2 + z^2): the path is the x axis.
class StraightWell : public AnalyticSurface {
public:
    Razavy r;
    double k = 400.0; // stiffer than the well (omega^2 = 59): x is the softest direction
    double energyAndForce(const Eigen::VectorXd& p, Eigen::VectorXd& f) override {
        f.resize(3);
        f << -r.dv(p[0]), -k * p[1], -k * p[2];
        return r.v(p[0]) + 0.5 * k * (p[1] * p[1] + p[2] * p[2]);
    }
};

/// V = k/2 (rho - R)^2 + Razavy(R theta) + k/2 z^2 with rho, theta polar in the xy plane: the
/// path is the circle rho = R, its arc length R theta.
class RingWell : public AnalyticSurface {
public:
    Razavy r;
    double k = 400.0, radius = 2.0;
    double energyAndForce(const Eigen::VectorXd& p, Eigen::VectorXd& f) override {
        const double rho = std::hypot(p[0], p[1]), theta = std::atan2(p[1], p[0]);
        const double dvs = r.dv(radius * theta) * radius;
        f.resize(3);
        f[0] = -(k * (rho - radius) * p[0] / rho - dvs * p[1] / (rho * rho));
        f[1] = -(k * (rho - radius) * p[1] / rho + dvs * p[0] / (rho * rho));
        f[2] = -k * p[2];
        return 0.5 * k * (rho - radius) * (rho - radius) + r.v(radius * theta) + 0.5 * k * p[2] * p[2];
    }
};

const Eigen::VectorXd oneParticle = Eigen::VectorXd::Ones(1);

} // namespace

class TestReactionPath : public QObject {
    Q_OBJECT
private slots:
    void straightPathAndExactLevels() {
        StraightWell w;
        const double sm = w.r.sMin();
        Eigen::VectorXd saddle = Eigen::Vector3d(0, 0, 0), m1 = Eigen::Vector3d(-sm, 0, 0), m2 = Eigen::Vector3d(sm, 0, 0);
        ReactionPathOptions o;
        o.step = 0.002;
        const ResolvedLevels resolved = resolveLevels(w, saddle, m1, m2, oneParticle, w.r.hbar, o);
        QVERIFY2(resolved.ok, resolved.message.c_str());
        const ReactionPath& p = resolved.path;
        QVERIFY(p.positions.front() == m1);
        for (const auto& x : p.positions) QVERIFY(std::abs(x[1]) < 1e-9 && std::abs(x[2]) < 1e-9);
        QVERIFY(std::abs(p.sSaddle - sm) < 1e-9 && std::abs(p.sMinimum2 - 2 * sm) < 1e-9);
        // Every profile point, continuation included, is the well at its arc length.
        for (std::size_t k = 0; k < p.profile.s.size(); ++k)
            QVERIFY2(std::abs(p.profile.energy[k] - w.r.v(p.profile.s[k] - sm)) < 1e-12 * (1 + std::abs(p.profile.energy[k])), qPrintable(QString("k %1 s %2 V %3 exact %4").arg(k).arg(p.profile.s[k]).arg(p.profile.energy[k]).arg(w.r.v(p.profile.s[k] - sm))));
        // The continuation climbs until the walls stand at least one barrier above the saddle.
        const double wallTop = w.r.v(0.0) + (w.r.v(0.0) - w.r.v(sm));
        const ReactionPath short1 = resolveReactionPath(w, saddle, m1, m2, oneParticle, o);
        QVERIFY(short1.profile.energy.front() >= wallTop && short1.profile.energy[1] < wallTop);
        QVERIFY(p.profile.energy.front() >= wallTop && p.profile.energy.back() >= wallTop);
        const QuantumLevels& q = resolved.levels;
        QVERIFY2(std::abs(q.splitting / w.r.exactSplitting() - 1.0) < 5e-3,
                 qPrintable(QString("E_qs %1 exact %2").arg(q.splitting).arg(w.r.exactSplitting())));
    }

    void curvedPathFollowsTheValley() {
        RingWell w;
        const double sm = w.r.sMin(), th = sm / w.radius;
        Eigen::VectorXd saddle = Eigen::Vector3d(w.radius, 0, 0);
        Eigen::VectorXd m1 = Eigen::Vector3d(w.radius * std::cos(th), -w.radius * std::sin(th), 0);
        Eigen::VectorXd m2 = Eigen::Vector3d(w.radius * std::cos(th), w.radius * std::sin(th), 0);
        for (double step : {0.004, 0.002}) {
            ReactionPathOptions o;
            o.step = step;
            const ResolvedLevels resolved = resolveLevels(w, saddle, m1, m2, oneParticle, w.r.hbar, o);
            QVERIFY2(resolved.ok, resolved.message.c_str());
            const ReactionPath& p = resolved.path;
            for (std::size_t k = 0; k < p.positions.size(); ++k) {
                const Eigen::VectorXd& x = p.positions[k];
                const double rho = std::hypot(x[0], x[1]);
                // On the valley floor: a local-quadratic step of length H = stride * step follows
                // the tangent, leaving the circle by at most H^2 / 2R before the stiff direction
                // pulls it back (worth k/2 drho^2 < 1e-5 eps here, < 0.5 % of E_qs).
                const double lqa = std::pow(o.hessianStride * step, 2) / (2 * w.radius);
                QVERIFY2(std::abs(rho - w.radius) < lqa, qPrintable(QString("rho %1").arg(rho)));
                const double arc = w.radius * (std::atan2(x[1], x[0]) + th);
                QVERIFY2(std::abs(p.s[k] - arc) < 1e-3 * (1 + arc), qPrintable(QString("s %1 arc %2").arg(p.s[k]).arg(arc)));
            }
            const QuantumLevels& q = resolved.levels;
            QVERIFY2(std::abs(q.splitting / w.r.exactSplitting() - 1.0) < 1e-2,
                     qPrintable(QString("step %1: E_qs %2 exact %3").arg(step).arg(q.splitting).arg(w.r.exactSplitting())));
            QCOMPARE(q.level0, Localisation::Both);
        }
    }

    void failsClearlyWhenTheSaddleDoesNotConnect() {
        StraightWell w;
        const double sm = w.r.sMin();
        Eigen::VectorXd saddle = Eigen::Vector3d(0, 0, 0), m1 = Eigen::Vector3d(-sm, 0, 0);
        Eigen::VectorXd elsewhere = Eigen::Vector3d(-sm, 0.5, 0);
        const ReactionPath p = resolveReactionPath(w, saddle, m1, elsewhere, oneParticle);
        QVERIFY(!p.ok);
        QVERIFY2(QString::fromStdString(p.message).contains("reaction path"), p.message.c_str());
        const ReactionPath q = resolveReactionPath(w, m1, m1, Eigen::Vector3d(sm, 0, 0), oneParticle);
        QVERIFY(!q.ok);
        QVERIFY2(QString::fromStdString(q.message).contains("unstable mode"), q.message.c_str());
        ReactionPathOptions bad;
        bad.step = std::nan("");
        QVERIFY_THROWS_EXCEPTION(std::exception, resolveReactionPath(w, saddle, m1, elsewhere, oneParticle, bad));
    }
};

QTEST_GUILESS_MAIN(TestReactionPath)
#include "test_reaction_path.moc"
