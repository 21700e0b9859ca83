// Distances and participation ratios on hand-made displacements with known answers.
#include "core/tls/Displacement.h"

#include <QtTest>

using namespace tlscope;

class TestDisplacement : public QObject {
    Q_OBJECT
private slots:
    void knownDisplacementPattern() {
        // Four particles, masses 1,1,1,0.5 (an A-A-A-B set). Particle 3 moves by 0.4 across the
        // periodic boundary in x, particle 0 by 0.2 in y; the mass-weighted centre of mass
        // shift is removed before anything is measured.
        const double L = 5.0;
        Eigen::VectorXd mass(4);
        mass << 1, 1, 1, 0.5;
        Eigen::VectorXd a(12), b(12);
        a << 1, 1, 1, 2, 2, 2, 3, 3, 3, 4.9, 1, 1;
        b = a;
        b[1] += 0.2;
        b[9] = 0.3; // 4.9 + 0.4 wrapped
        Eigen::Vector3d shift(0.5 * 0.4 / 3.5, 0.2 / 3.5, 0.0);
        std::vector<Eigen::Vector3d> d = {Eigen::Vector3d(0, 0.2, 0) - shift, -shift, -shift,
                                          Eigen::Vector3d(0.4, 0, 0) - shift};
        double s1 = 0, s2 = 0, s4 = 0, mw = 0, dmax = 0;
        for (int i = 0; i < 4; ++i) {
            const double di = d[i].norm();
            s1 += di, s2 += di * di, s4 += std::pow(di, 4), mw += mass[i] * di * di;
            dmax = std::max(dmax, di);
        }
        const auto p = displacementProfile(a, b, L, mass);
        QCOMPARE(p.centralParticle, 3);
        QVERIFY(std::abs(p.d - std::sqrt(s2)) < 1e-14);
        QVERIFY(std::abs(p.dMassWeighted - std::sqrt(mw)) < 1e-14);
        QVERIFY(std::abs(distance(a, b, L, mass) - std::sqrt(s2)) < 1e-14);
        QVERIFY(std::abs(massWeightedDistance(a, b, L, mass) - std::sqrt(mw)) < 1e-14);
        QVERIFY(std::abs(p.pr2 - s2 / (dmax * dmax)) < 1e-12);
        QVERIFY(std::abs(p.pr3 - s1 / dmax) < 1e-12);
        QVERIFY(std::abs(p.pr4 - s2 * s2 / s4) < 1e-12);
        QVERIFY(p.sorted.front() >= p.sorted.back());
        QVERIFY(std::abs(p.sorted.front() - dmax) < 1e-14);
    }
    void participationOfNEqualMovers() {
        // Six particles moving by the same amount (in opposite pairs, so the centre of mass
        // stays put) and the rest still: every ratio equals 6.
        const int total = 20;
        Eigen::VectorXd mass = Eigen::VectorXd::Ones(total), a = Eigen::VectorXd::Zero(3 * total);
        Eigen::VectorXd b = a;
        for (int i = 0; i < 4; ++i) b[3 * i] = (i % 2 ? -0.1 : 0.1);
        b[3 * 4 + 1] = 0.1, b[3 * 5 + 1] = -0.1;
        const auto p = displacementProfile(a, b, 10.0, mass);
        QVERIFY(std::abs(p.pr2 - 6) < 1e-12);
        QVERIFY(std::abs(p.pr3 - 6) < 1e-12);
        QVERIFY(std::abs(p.pr4 - 6) < 1e-12);
    }
    void pr1IsInverseMeanFraction() {
        DisplacementProfile x, y;
        x.pr2 = 2.0;
        y.pr2 = 4.0;
        // fractions 1/2 and 1/4, mean 3/8 -> PR1 = 8/3, below the mean PR2 of 3 (Jensen).
        QVERIFY(std::abs(participationRatio1({x, y}) - 8.0 / 3.0) < 1e-14);
    }
    /// Issue 14 finding 2: a central particle at z = 4.613 in minimum 1 and z = 0.061 at the
    /// saddle (L = 4.767) must move 0.215 across the boundary, not jump 4.55 across the box.
    void alignedFramesDoNotTeleport() {
        const double L = 4.767;
        Eigen::VectorXd min1(6), saddle(6);
        min1 << 1.0, 2.0, 4.613, 9.0, -1.0, 0.5;   // second particle given outside the box
        saddle << 1.01, 2.0, 0.061, 9.02, -1.0, 0.5;
        const Eigen::VectorXd a = alignedTo(min1, saddle, L);
        QVERIFY(std::abs(a[2] - (4.613 + (0.061 + L - 4.613))) < 1e-12); // 4.828, just outside the box
        QVERIFY(std::abs(a[3] - (9.0 - L + 0.02)) < 1e-12);           // reference wrapped, then moved
        QVERIFY(std::abs(a[4] - (L - 1.0)) < 1e-12);
        const Eigen::VectorXd self = alignedTo(min1, min1, L);
        for (Eigen::Index k = 0; k < 6; ++k) QVERIFY(self[k] >= 0.0 && self[k] < L);
    }
};

QTEST_GUILESS_MAIN(TestDisplacement)
#include "test_displacement.moc"
