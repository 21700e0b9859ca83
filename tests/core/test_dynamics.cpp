// Velocity Verlet energy conservation, thermostats, Maxwell-Boltzmann velocities, random streams.
#include "TestSystems.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/dynamics/Preparation.h"
#include "core/dynamics/Relaxation.h"
#include "core/common/Error.h"
#include "core/potential/PairPotential.h"
#include "core/potential/PairKernel.h"

using namespace tlscope;

namespace {

/// Largest deviation of the total energy from its value after `settle` steps.
double energyExcursion(double dt, long steps, long settle, bool singlePrecision = false) {
    const Model m = Model::preset("ka-rh");
    const Configuration c = test::demoGlass();
    PairPotential p(m, c);
    MdParameters par;
    par.timeStep = dt;
    par.singlePrecisionForces = singlePrecision;
    MolecularDynamics md(p, c.massVector(m), par, RandomStream(7));
    md.setPositions(c.positions);
    md.drawVelocities(0.3);
    for (long s = 0; s < settle; ++s) md.step();
    // The energy in double precision whatever the forces were (single-precision steps do not
    // compute it).
    auto total = [&] { return md.kineticEnergy() + p.energy(md.state().positions); };
    const double ref = total();
    double worst = 0.0;
    for (long s = 0; s < steps; ++s) {
        md.step();
        if (singlePrecision) QTest::qVerify(std::isnan(md.state().potentialEnergy) && md.finite(), "finite", "", __FILE__, __LINE__);
        worst = std::max(worst, std::abs(total() - ref));
    }
    return worst;
}

} // namespace

class TestDynamics : public QObject {
    Q_OBJECT
private slots:
    void relaxationMeasuresMsdAndFsExactly() {
        // Four particles, species {0, 0, 0, 1}, moved by u_i plus a common drift D: the drift is
        // removed (sum u_i = 0), species 0 is measured.
        Eigen::VectorXd origin(12);
        origin << 0, 0, 0, 1, 1, 1, 2, 0, 1, 0.5, 2, 2;
        const Eigen::Vector3d u[4] = {{0.3, 0, 0}, {-0.3, 0, 0}, {0, 0.4, 0}, {0, -0.4, 0}};
        const Eigen::Vector3d drift(1, 2, 3);
        Eigen::VectorXd moved = origin;
        for (int i = 0; i < 4; ++i) moved.segment<3>(3 * i) += u[i] + drift;
        const double q = 7.25;
        RelaxationMonitor monitor(origin, {0, 0, 0, 1}, 0, q);
        monitor.sample(0.0, origin);
        monitor.sample(1.5, moved);
        const RelaxationCurve& c = monitor.curve();
        QCOMPARE(int(c.time.size()), 2);
        QCOMPARE(c.msd[0], 0.0);
        QCOMPARE(c.fs[0], 1.0);
        QVERIFY(std::abs(c.msd[1] - (0.09 + 0.09 + 0.16) / 3) < 1e-12);
        const double fs = (2 * std::sin(0.3 * q) / (0.3 * q) + std::sin(0.4 * q) / (0.4 * q)) / 3;
        QVERIFY(std::abs(c.fs[1] - fs) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(InputError, RelaxationMonitor(origin, {1, 1, 1, 1}, 0, q));
        QVERIFY_THROWS_EXCEPTION(InputError, RelaxationMonitor(origin, {0, 0, 0, 1}, 0, 0.0));
        // tau_alpha: interpolated in log t where F_s crosses 1/e; -1 when it never does.
        RelaxationCurve r;
        r.time = {1, 10, 100};
        r.fs = {0.9, std::exp(-0.5), std::exp(-2.0)};
        r.msd = {0, 0, 0};
        const double f = (std::exp(-0.5) - std::exp(-1.0)) / (std::exp(-0.5) - std::exp(-2.0));
        QVERIFY(std::abs(r.tauAlpha() - std::exp(std::log(10.0) + f * std::log(10.0))) < 1e-9);
        r.fs = {0.9, 0.8, 0.7};
        QCOMPARE(r.tauAlpha(), -1.0);
        const std::vector<long> steps = logSpacedSteps(1000, 10);
        QCOMPARE(steps.front(), 1L);
        QCOMPARE(steps.back(), 1000L);
        QVERIFY(std::is_sorted(steps.begin(), steps.end()));
        QVERIFY(std::adjacent_find(steps.begin(), steps.end()) == steps.end());
        QVERIFY(steps.size() > 25 && steps.size() < 35);
    }
    void relaxationIsBallisticThenDiffusive() {
        // One velocity-Verlet step moves each particle by v dt + (F/m) dt^2 / 2: the MSD after it
        // is that displacement's mean square (centre of mass removed), nearly <|v|^2> dt^2.
        const Model m = Model::preset("ka-rh");
        const Configuration c = test::liquid(260, 1.0, 5);
        PairPotential p(m, c);
        MolecularDynamics md(p, c.massVector(m), {}, RandomStream(3));
        md.setPositions(c.positions);
        md.drawVelocities(1.0);
        RelaxationMonitor monitor(md.state().positions, c.species, 0, 7.25);
        const double dt = 0.01;
        const Eigen::VectorXd mass = c.massVector(m);
        Eigen::VectorXd step = md.state().velocities * dt + 0.5 * dt * dt * md.state().forces.cwiseQuotient(mass);
        Eigen::Vector3d shift = Eigen::Vector3d::Zero();
        for (int i = 0; i < c.size(); ++i) shift += step.segment<3>(3 * i);
        shift /= c.size();
        double expected = 0.0, v2 = 0.0;
        int na = 0;
        for (int i = 0; i < c.size(); ++i)
            if (c.species[i] == 0) {
                expected += (step.segment<3>(3 * i) - shift).squaredNorm();
                v2 += md.state().velocities.segment<3>(3 * i).squaredNorm();
                ++na;
            }
        expected /= na, v2 /= na;
        md.step();
        monitor.sample(dt, md.state().positions);
        QVERIFY2(std::abs(monitor.curve().msd[0] / expected - 1.0) < 1e-9,
                 qPrintable(QString("%1 vs %2").arg(monitor.curve().msd[0]).arg(expected)));
        QVERIFY(std::abs(monitor.curve().msd[0] / (v2 * dt * dt) - 1.0) < 0.05); // ballistic
        QVERIFY(std::abs(v2 / 3.0 - 1.0) < 0.25); // equipartition: <|v|^2> = 3 T / m_A
        // Long times in the hot liquid (T = 2): F_s decays, and MSD grows linearly (slope 1 in
        // log-log: diffusion) instead of quadratically.
        EquilibrationParameters eq;
        eq.temperature = 2.0;
        eq.time = 40.0;
        eq.meltTime = 2.0;
        RelaxationCurve r;
        generateEquilibratedLiquid(m, 260, eq, 11, {}, &r);
        QVERIFY(!r.time.empty());
        QCOMPARE(r.time.back(), 20.0);
        const double tau = r.tauAlpha();
        QVERIFY2(tau > 0.05 && tau < 2.0, qPrintable(QString::number(tau)));
        // log-log slope of the MSD between the first samples at or after t1 and t2
        auto slope = [&](double t1, double t2) {
            auto k = [&](double t) { return std::size_t(std::lower_bound(r.time.begin(), r.time.end(), t - 1e-9) - r.time.begin()); };
            return std::log(r.msd[k(t2)] / r.msd[k(t1)]) / std::log(r.time[k(t2)] / r.time[k(t1)]);
        };
        const double late = slope(4.0, 20.0), early = slope(0.01, 0.02);
        QVERIFY2(late > 0.8 && late < 1.2, qPrintable(QString::number(late))); // diffusive: slope 1
        QVERIFY2(early > 1.8 && early < 2.05, qPrintable(QString::number(early))); // ballistic: slope 2
    }
    void nveEnergyBoundedAtDt001() {
        // 100 time units at T ~ 0.15 (the glass warmed from its minimum): no drift.
        const double excursion = energyExcursion(0.01, 10000, 500);
        QVERIFY2(excursion < 0.3, qPrintable(QString::number(excursion))); // |E| ~ 270
        // Velocity Verlet errors scale as dt^2: halving dt cuts the excursion by about 4.
        const double half = energyExcursion(0.005, 20000, 1000);
        QVERIFY2(half < 0.45 * excursion, qPrintable(QString("%1 vs %2").arg(half).arg(excursion)));
    }
    /// The search's kicks and sampling run on single-precision forces (AVX-512): velocity
    /// Verlet with them must conserve the (double-precision) energy as well as with double
    /// forces — their error (~1e-6 relative) is far below the integrator's at dt = 0.01.
    void singlePrecisionForcesConserveEnergy() {
        const Model m = Model::preset("ka-rh");
        PairPotential probe(m, test::demoGlass());
        probe.setKernel(kernel::activePath());
        Eigen::VectorXd f;
        if (!probe.singlePrecisionForce(test::demoGlass().positions, f))
            QSKIP(qPrintable(QString("the active kernel path (%1) has no single-precision forces (AVX-512 only): MD uses double forces")
                                 .arg(kernel::name(kernel::activePath()).c_str())));
        const double dbl = energyExcursion(0.01, 10000, 500, false);
        const double single = energyExcursion(0.01, 10000, 500, true);
        qInfo("largest |E - E0| over 100 time units: %.4g (double forces), %.4g (single)", dbl, single);
        QVERIFY2(single < 1.2 * dbl + 0.01, qPrintable(QString("%1 vs %2").arg(single).arg(dbl)));
    }
    void momentumConservedWithoutThermostat() {
        const Model m = Model::preset("ka-rh");
        const Configuration c = test::liquid(65, 0.5, 3);
        PairPotential p(m, c);
        MolecularDynamics md(p, c.massVector(m), {}, RandomStream(1));
        md.setPositions(c.positions);
        md.drawVelocities(0.5);
        md.run(2000);
        const Eigen::VectorXd mv = c.massVector(m).cwiseProduct(md.state().velocities);
        for (int k = 0; k < 3; ++k) {
            double pk = 0.0;
            for (int i = 0; i < c.size(); ++i) pk += mv[3 * i + k];
            QVERIFY(std::abs(pk) < 1e-10);
        }
    }
    void thermostatsReachTheirTemperature_data() {
        QTest::addColumn<QString>("thermostat");
        QTest::newRow("langevin") << "langevin";
        QTest::newRow("andersen") << "andersen";
    }
    void thermostatsReachTheirTemperature() {
        QFETCH(QString, thermostat);
        const Model m = Model::preset("ka-rh");
        const Configuration c = test::demoGlass();
        PairPotential p(m, c);
        MdParameters par;
        par.thermostat = parseThermostat(thermostat.toStdString());
        par.temperature = 0.4;
        MolecularDynamics md(p, c.massVector(m), par, RandomStream(9));
        md.setPositions(c.positions);
        md.run(2000);
        double sum = 0.0;
        const int samples = 30000;
        for (int s = 0; s < samples; ++s) {
            md.step();
            sum += md.temperature();
        }
        const double mean = sum / samples;
        QVERIFY2(std::abs(mean - 0.4) < 0.02, qPrintable(QString::number(mean)));
    }
    void maxwellBoltzmannRespectsMasses() {
        const Model m = Model::preset("ka-rh");
        const Configuration c = test::demoGlass();
        PairPotential p(m, c);
        MolecularDynamics md(p, c.massVector(m), {}, RandomStream(4));
        md.setPositions(c.positions);
        double keA = 0.0, keB = 0.0;
        int nA = 0, nB = 0;
        for (int draw = 0; draw < 2000; ++draw) {
            md.drawVelocities(0.5);
            const auto& v = md.state().velocities;
            for (int i = 0; i < c.size(); ++i) {
                const double ke = 0.5 * m.species[c.species[i]].mass * v.segment<3>(3 * i).squaredNorm();
                (c.species[i] == 0 ? keA : keB) += ke;
                (c.species[i] == 0 ? nA : nB) += 1;
            }
        }
        // Equipartition per particle, 3/2 T for both species whatever their mass.
        QVERIFY(std::abs(keA / nA - 0.75) < 0.02);
        QVERIFY(std::abs(keB / nB - 0.75) < 0.03);
    }
    void randomStreamsAreReproducibleAndIndependent() {
        RandomStream a(42, 3), b(42, 3), c(42, 4);
        bool differ = false;
        for (int i = 0; i < 100; ++i) {
            const auto x = a.next();
            QCOMPARE(x, b.next());
            differ |= (x != c.next());
        }
        QVERIFY(differ);
    }
    void equilibrationStopsWithinAFewHundredSteps() {
        // Issue 14 finding 14: closing the window mid-start waited for the whole equilibration.
        // The stop check runs every 256 steps: with the flag set at the third check, a 3000-time-
        // unit equilibration (300 000 steps) returns after at most 768, and with the flag set
        // from the start it returns the unequilibrated start itself.
        const Model m = Model::preset("ka-rh");
        EquilibrationParameters p;
        p.time = 3000.0;
        int checks = 0;
        generateEquilibratedLiquid(m, 65, p, 5, {}, nullptr, [&] { return ++checks >= 3; });
        QCOMPARE(checks, 3);
        const Configuration stopped = generateEquilibratedLiquid(m, 65, p, 5, {}, nullptr, [] { return true; });
        EquilibrationParameters none = p;
        none.time = 0.0;
        none.meltTime = 0.0;
        QVERIFY(stopped.positions == generateEquilibratedLiquid(m, 65, none, 5).positions);
    }
    void normalDeviatesFollowTheGaussian() {
        // The ziggurat sampler against the exact normal distribution: moments, a chi-square over
        // 80 bins of width 0.1 plus both tails (which exercises every strip and the tail beyond
        // R = 3.44), and the far tail.
        RandomStream n(1);
        constexpr int samples = 1000000, bins = 80;
        std::vector<long> counts(bins + 2, 0);
        double s = 0, s2 = 0, s4 = 0;
        long beyondR = 0;
        for (int i = 0; i < samples; ++i) {
            const double g = n.normal();
            s += g, s2 += g * g, s4 += g * g * g * g;
            beyondR += std::abs(g) > 3.442619855899;
            const int b = g < -4.0 ? 0 : g >= 4.0 ? bins + 1 : 1 + std::min(bins - 1, int((g + 4.0) / 0.1));
            ++counts[static_cast<std::size_t>(b)];
        }
        QVERIFY(std::abs(s / samples) < 0.005);
        QVERIFY(std::abs(s2 / samples - 1.0) < 0.007);
        QVERIFY(std::abs(s4 / samples - 3.0) < 0.05);
        auto cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
        double chi2 = 0.0;
        for (int b = 0; b < bins + 2; ++b) {
            const double lo = b == 0 ? -INFINITY : -4.0 + 0.1 * (b - 1);
            const double hi = b == bins + 1 ? INFINITY : -4.0 + 0.1 * b;
            const double expected = samples * (cdf(hi) - cdf(lo));
            chi2 += std::pow(double(counts[static_cast<std::size_t>(b)]) - expected, 2) / expected;
        }
        qInfo("chi-square %.1f for %d degrees of freedom", chi2, bins + 1);
        QVERIFY2(chi2 < 150.0, qPrintable(QString("chi-square %1").arg(chi2))); // p < 1e-5 by chance
        const double tail = samples * 2.0 * cdf(-3.442619855899); // 576
        QVERIFY(std::abs(double(beyondR) - tail) < 5.0 * std::sqrt(tail));
    }
};

QTEST_GUILESS_MAIN(TestDynamics)
#include "test_dynamics.moc"
