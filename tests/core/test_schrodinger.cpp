// 1D Schroedinger solver against exact solutions: harmonic levels; Razavy's quasi-exactly
// solvable symmetric double well (E_qs known in closed form); two harmonic wells whose two
// lowest levels both sit in the wider well; a deep quartic double well against an independent
// sinc-DVR (Colbert-Miller) diagonalisation, with the WKB tunnelling amplitude.
#include "core/model/Units.h"
#include "core/tls/Schrodinger.h"

#include <Eigen/Eigenvalues>
#include <QtTest>

using namespace tlscope;

namespace {
/// Lowest two levels by the sinc discrete variable representation: a different basis and
/// kinetic operator than the finite-difference solver, converging exponentially.
std::pair<double, double> sincDvr(const std::function<double(double)>& v, double lo, double hi,
                                  int n, double hbar) {
    const double dx = (hi - lo) / (n - 1);
    Eigen::MatrixXd h(n, n);
    const double c = hbar * hbar / (2 * dx * dx);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
            const int d = i - j;
            h(i, j) = d == 0 ? c * M_PI * M_PI / 3 + v(lo + i * dx) : c * 2.0 * (d % 2 ? -1 : 1) / (d * d);
        }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> s(h, Eigen::EigenvaluesOnly);
    return {s.eigenvalues()[0], s.eigenvalues()[1]};
}

PathProfile sample(const std::function<double(double)>& v, double lo, double hi, int n) {
    PathProfile p;
    for (int k = 0; k < n; ++k) {
        const double s = lo + (hi - lo) * k / (n - 1);
        p.s.push_back(s);
        p.energy.push_back(v(s));
    }
    return p;
}
} // namespace

class TestSchrodinger : public QObject {
    Q_OBJECT
private slots:
    void harmonicOscillatorLevels() {
        const double hbar = units::hbarReduced, omega = 30.0;
        const int n = 3001;
        const double lo = -0.2, hi = 0.2, h = (hi - lo) / (n - 1);
        Eigen::VectorXd v(n);
        for (int k = 0; k < n; ++k) v[k] = 0.5 * omega * omega * std::pow(lo + k * h, 2);
        const Eigen::VectorXd e = lowestLevels(v, h, hbar, 4);
        for (int k = 0; k < 4; ++k)
            QVERIFY2(std::abs(e[k] - hbar * omega * (k + 0.5)) < 1e-4 * hbar * omega,
                     qPrintable(QString("level %1: %2").arg(k).arg(e[k])));
        // The wavefunction of level 1 is odd and normalised.
        const Eigen::VectorXd psi = levelWavefunction(v, h, hbar, e[1]);
        QVERIFY(std::abs(psi.squaredNorm() - 1.0) < 1e-12);
        QVERIFY(std::abs(psi[n / 2]) < 1e-6);
        QVERIFY(std::abs(psi[n / 4] + psi[3 * n / 4]) < 1e-6 * std::abs(psi[n / 4]));
    }

    /// Razavy (Am. J. Phys. 48, 285 (1980)): with u = hbar^2 / (2 a^2) and x = s / a,
    /// V = u [xi^2/8 cosh 4x - 2 xi cosh 2x - xi^2/8] has E0 = -u (1 + xi), E1 = -u (1 - xi)
    /// exactly (psi = exp(-xi/4 cosh 2x) cosh x and sinh x): E_qs = 2 u xi.
    void razavySymmetricDoubleWellIsExact() {
        const double hbar = units::hbarReduced, a = 0.06, xi = 0.05;
        const double u = hbar * hbar / (2 * a * a);
        auto v = [&](double s) {
            const double x = s / a;
            return u * (xi * xi / 8 * std::cosh(4 * x) - 2 * xi * std::cosh(2 * x) - xi * xi / 8);
        };
        const double sMin = a * 0.5 * std::acosh(4 / xi);
        const QuantumLevels q = solveDoubleWell(sample(v, -4.5 * a, 4.5 * a, 3001), -sMin, 0.0, sMin, hbar, 6000);
        QVERIFY2(std::abs(q.e0 + u * (1 + xi)) < 1e-4 * u, qPrintable(QString("E0 %1 exact %2").arg(q.e0).arg(-u * (1 + xi))));
        QVERIFY2(std::abs(q.splitting - 2 * u * xi) < 2e-3 * 2 * u * xi,
                 qPrintable(QString("E_qs %1 exact %2").arg(q.splitting).arg(2 * u * xi)));
        // Symmetric: both levels delocalised, no quantum asymmetry, E = Delta0.
        QCOMPARE(q.level0, Localisation::Both);
        QCOMPARE(q.level1, Localisation::Both);
        QVERIFY(std::abs(q.level0Well1 - 0.5) < 1e-6 && std::abs(q.level1Well1 - 0.5) < 1e-6);
        QVERIFY(q.quantumAsymmetry < 1e-9 * u);
        QVERIFY(std::abs(q.twoLevelEnergy - q.delta0) < 1e-12);
        QVERIFY(std::abs(q.omega1 - q.omega2) < 1e-6 * q.omega1);
        // V'' at the minimum: u/a^2 (2 xi^2 cosh 4x - 8 xi cosh 2x) = u/a^2 (64 - 2 xi^2 - 32).
        const double omegaExact = std::sqrt(u / (a * a) * (32 - 2 * xi * xi));
        QVERIFY2(std::abs(q.omega1 - omegaExact) < 1e-3 * omegaExact, qPrintable(QString("omega %1 exact %2").arg(q.omega1).arg(omegaExact)));
    }

    /// Two harmonic wells joined at a high cusp: levels are hbar w (n + 1/2) in each well to
    /// exponentially small corrections. The wide well holds both lowest levels, so E_qs is its
    /// vibration quantum, not a tunnel splitting, and the solver must say so.
    void asymmetricWellHoldsBothLowestLevels() {
        const double hbar = units::hbarReduced, w1 = 2.0, w2 = 6.0, a = 0.3, delta = 0.06;
        auto v = [&](double s) { return std::min(0.5 * w1 * w1 * (s + a) * (s + a), 0.5 * w2 * w2 * (s - a) * (s - a) + delta); };
        // The cusp: 2 (s+a)^2 = 18 (s-a)^2 + 0.06.
        double lo = 0.0, hi = a;
        for (int it = 0; it < 100; ++it) {
            const double mid = 0.5 * (lo + hi);
            (0.5 * w1 * w1 * (mid + a) * (mid + a) < 0.5 * w2 * w2 * (mid - a) * (mid - a) + delta ? lo : hi) = mid;
        }
        const QuantumLevels q = solveDoubleWell(sample(v, -3 * a, 3 * a, 4001), -a, lo, a, hbar, 8000);
        QVERIFY2(std::abs(q.e0 - 0.5 * hbar * w1) < 1e-4 * hbar * w1, qPrintable(QString("E0 %1").arg(q.e0)));
        QVERIFY2(std::abs(q.splitting - hbar * w1) < 1e-3 * hbar * w1, qPrintable(QString("E_qs %1 vs hbar w1 %2").arg(q.splitting).arg(hbar * w1)));
        QCOMPARE(q.level0, Localisation::Well1);
        QCOMPARE(q.level1, Localisation::Well1);
        QVERIFY(q.level0Well1 > 0.999999 && q.level1Well1 > 0.999999);
        const double asym = delta + 0.5 * hbar * w2 - 0.5 * hbar * w1;
        QVERIFY2(std::abs(q.quantumAsymmetry - asym) < 1e-3 * asym, qPrintable(QString("Delta %1 exact %2").arg(q.quantumAsymmetry).arg(asym)));
        QVERIFY(std::abs(q.omega1 - w1) < 1e-6 * w1 && std::abs(q.omega2 - w2) < 1e-6 * w2);
        // Tunnelling through a cusp 0.4 eps high is negligible: E = Delta.
        QVERIFY2(q.delta0 < 1e-6 * asym, qPrintable(QString("Delta0 %1 action %2").arg(q.delta0).arg(q.wkbAction)));
        QVERIFY(std::abs(q.twoLevelEnergy - asym) < 1e-3 * asym);
    }

    void quarticDoubleWellAgainstSincDvr() {
        // V = A (s^2 - b^2)^2 with walls far out: barrier 0.324 = 4.6 hbar omega.
        const double hbar = units::hbarReduced, a = 40.0, b = 0.3;
        auto v = [&](double s) { return a * std::pow(s * s - b * b, 2); };
        const QuantumLevels q = solveDoubleWell(sample(v, -2 * b, 2 * b, 801), -b, 0.0, b, hbar, 8000);
        const auto [e0, e1] = sincDvr(v, -2 * b, 2 * b, 900, hbar);
        QVERIFY(e1 - e0 > 0.0);
        QVERIFY2(std::abs(q.splitting - (e1 - e0)) < 5e-3 * (e1 - e0),
                 qPrintable(QString("%1 vs %2").arg(q.splitting).arg(e1 - e0)));
        QVERIFY(std::abs(q.e0 - e0) < 1e-5 * e0);
        QVERIFY(std::abs(q.omega1 - std::sqrt(8 * a * b * b)) < 1e-3 * q.omega1);
        // Deep tunnelling: WKB (hbar w / pi) e^{-S/hbar} is within the known ~8 % of the exact
        // splitting (Garg, Am. J. Phys. 68, 430 (2000): a factor sqrt(e / pi) = 0.93).
        QVERIFY2(std::abs(q.delta0 / q.splitting - 1.0) < 0.15,
                 qPrintable(QString("WKB %1 exact %2").arg(q.delta0).arg(q.splitting)));
    }

    void rejectsBadProfiles() {
        PathProfile p{{0.0, 0.0, 1.0, 2.0, 3.0}, {1.0, 0.0, 1.0, 0.0, 1.0}};
        QVERIFY_THROWS_EXCEPTION(std::exception, solveDoubleWell(p, 1.0, 2.0, 3.0, 0.01));
        PathProfile q{{0.0, 1.0, 2.0, 3.0, 4.0}, {1.0, 0.0, 1.0, 0.0, 1.0}};
        QVERIFY_THROWS_EXCEPTION(std::exception, solveDoubleWell(q, 0.0, 2.0, 3.0, 0.01)); // minimum at the wall
        QVERIFY_THROWS_EXCEPTION(std::exception, solveDoubleWell(q, 3.0, 2.0, 1.0, 0.01)); // out of order
        q.energy[2] = std::nan("");
        QVERIFY_THROWS_EXCEPTION(std::exception, solveDoubleWell(q, 1.0, 2.0, 3.0, 0.01));
    }
};

QTEST_GUILESS_MAIN(TestSchrodinger)
#include "test_schrodinger.moc"
