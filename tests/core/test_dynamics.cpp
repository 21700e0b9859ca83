// Velocity Verlet energy conservation, thermostats, Maxwell-Boltzmann velocities, random streams.
#include "TestSystems.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/potential/PairPotential.h"

using namespace tlscope;

namespace {

/// Largest deviation of the total energy from its value after `settle` steps.
double energyExcursion(double dt, long steps, long settle) {
    const Model m = Model::preset("ka-rh");
    const Configuration c = test::demoGlass();
    PairPotential p(m, c);
    MdParameters par;
    par.timeStep = dt;
    MolecularDynamics md(p, c.massVector(m), par, RandomStream(7));
    md.setPositions(c.positions);
    md.drawVelocities(0.3);
    for (long s = 0; s < settle; ++s) md.step();
    const double ref = md.totalEnergy();
    double worst = 0.0;
    for (long s = 0; s < steps; ++s) {
        md.step();
        worst = std::max(worst, std::abs(md.totalEnergy() - ref));
    }
    return worst;
}

} // namespace

class TestDynamics : public QObject {
    Q_OBJECT
private slots:
    void nveEnergyBoundedAtDt001() {
        // 100 time units at T ~ 0.15 (the glass warmed from its minimum): no drift.
        const double excursion = energyExcursion(0.01, 10000, 500);
        QVERIFY2(excursion < 0.3, qPrintable(QString::number(excursion))); // |E| ~ 270
        // Velocity Verlet errors scale as dt^2: halving dt cuts the excursion by about 4.
        const double half = energyExcursion(0.005, 20000, 1000);
        QVERIFY2(half < 0.45 * excursion, qPrintable(QString("%1 vs %2").arg(half).arg(excursion)));
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
        RandomStream n(1);
        double s = 0, s2 = 0;
        for (int i = 0; i < 100000; ++i) {
            const double g = n.normal();
            s += g, s2 += g * g;
        }
        QVERIFY(std::abs(s / 1e5) < 0.01);
        QVERIFY(std::abs(s2 / 1e5 - 1.0) < 0.02);
    }
};

QTEST_GUILESS_MAIN(TestDynamics)
#include "test_dynamics.moc"
