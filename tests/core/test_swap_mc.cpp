// Swap Monte Carlo: every energy change against a full recomputation, the canonical average
// and g(r) against molecular dynamics, allowed swap pairs, and the preparation protocol.
#include "TestSystems.h"
#include "core/analysis/Structure.h"
#include "core/common/Error.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/dynamics/Preparation.h"
#include "core/dynamics/SwapMonteCarlo.h"
#include "core/potential/PairPotential.h"

#include <numeric>

using namespace tlscope;

namespace {
/// Mean and standard error from block averages (10 blocks) of a series.
std::pair<double, double> blockMean(const std::vector<double>& v) {
    const std::size_t blocks = 10, size = v.size() / blocks;
    std::vector<double> means;
    for (std::size_t b = 0; b < blocks; ++b)
        means.push_back(std::accumulate(v.begin() + long(b * size), v.begin() + long((b + 1) * size), 0.0) / double(size));
    const double mean = std::accumulate(means.begin(), means.end(), 0.0) / double(blocks);
    double var = 0.0;
    for (double m : means) var += (m - mean) * (m - mean);
    return {mean, std::sqrt(var / double(blocks * (blocks - 1)))};
}
} // namespace

class TestSwapMc : public QObject {
    Q_OBJECT
private slots:
    void ka2PresetHasTheTabulatedParameters() {
        const Model m = Model::preset("ka2");
        QCOMPARE(m.speciesCount(), 3);
        QCOMPARE(m.pair(0, 2).epsilon, 1.25);
        QCOMPARE(m.pair(2, 1).sigma, 0.84);
        QCOMPARE(m.pair(2, 2).cutoff, 2.5 * 0.94);
        QVERIFY(m.cutoffMode == CutoffMode::EnergyShifted);
        QCOMPARE(m.composition(1500), (std::vector<int>{900, 300, 300}));
    }
    void energyChangesMatchFullRecomputation_data() {
        QTest::addColumn<int>("n");
        QTest::newRow("N=160 (no cells)") << 160;
        QTest::newRow("N=700 (cell list, 6 cells per side)") << 700;
        QTest::newRow("N=1500 (cell list, 8 cells per side)") << 1500;
    }
    void energyChangesMatchFullRecomputation() {
        QFETCH(int, n);
        const Model m = Model::preset("ka2");
        RandomStream rng(4);
        const Configuration start = randomLatticeStart(m, n, rng);
        SwapMonteCarlo mc(m, start, RandomStream(5));
        SwapMcParameters p;
        p.temperature = 1.0;
        p.swapProbability = 0.5;
        SwapMcStatistics stats;
        for (int block = 0; block < 20; ++block) {
            for (int k = 0; k < 200; ++k) mc.move(p, stats);
            const Configuration c = mc.configuration();
            PairPotential pot(m, c);
            const double full = pot.energy(c.positions);
            QVERIFY2(std::abs(mc.energy() - full) < 1e-9 * std::abs(full),
                     qPrintable(QString("running %1, recomputed %2").arg(mc.energy(), 0, 'g', 15).arg(full, 0, 'g', 15)));
        }
        QVERIFY(stats.swapsAccepted > 0 && stats.translationsAccepted > 0);
        QVERIFY(std::abs(mc.recomputeEnergy()) < 1e-9 * std::abs(mc.energy()));
    }
    void canonicalAverageMatchesMolecularDynamics_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("n");
        QTest::addColumn<double>("temperature");
        QTest::addColumn<double>("timeStep");
        QTest::newRow("ka2, T = 2") << "ka2" << 160 << 2.0 << 0.005;
        QTest::newRow("soft spheres, T = 0.3 (~3 T_MCT)") << "soft-spheres" << 200 << 0.3 << 0.01;
    }
    /// Both sample the canonical ensemble of the same system at a temperature where MD
    /// equilibrates (a swap only permutes labels, which the liquid's own motion also does): the
    /// mean potential energy per particle and g(r) must agree within their statistical errors.
    void canonicalAverageMatchesMolecularDynamics() {
        QFETCH(QString, model);
        QFETCH(int, n);
        QFETCH(double, temperature);
        QFETCH(double, timeStep);
        const Model m = Model::preset(model.toStdString());
        const double t = temperature;
        RandomStream rng(8);
        const Configuration start = randomLatticeStart(m, n, rng);
        SwapMonteCarlo mc(m, start, RandomStream(9));
        SwapMcParameters p;
        p.temperature = t;
        p.maxDisplacement = 0.1;
        SwapMcStatistics stats;
        for (int s = 0; s < 300; ++s) mc.sweep(p, stats); // equilibrate
        const double rMax = 0.5 * start.boxLength;
        const int bins = 24, frames = 100, blocks = 5;
        // g(r) per block of frames: its spread over blocks gives each bin's standard error.
        std::vector<std::vector<double>> mcG(blocks, std::vector<double>(bins, 0.0)), mdG = mcG;
        auto addFrame = [&](std::vector<std::vector<double>>& g, int frame, const Configuration& c) {
            const auto one = radialDistribution(c, rMax, bins);
            for (int k = 0; k < bins; ++k) g[std::size_t(frame * blocks / frames)][std::size_t(k)] += one[std::size_t(k)] * blocks / frames;
        };
        std::vector<double> mcSeries;
        for (int s = 0; s < 3000; ++s) {
            mc.sweep(p, stats);
            mcSeries.push_back(mc.energy() / n);
            if (s % 30 == 29) addFrame(mcG, s / 30, mc.configuration());
        }
        MdParameters mp;
        mp.thermostat = Thermostat::Langevin;
        mp.temperature = t;
        mp.timeStep = timeStep;
        const Configuration liquid = mc.configuration();
        PairPotential pot(m, liquid);
        MolecularDynamics md(pot, liquid.massVector(m), mp, RandomStream(10));
        md.setPositions(liquid.positions);
        md.drawVelocities(t);
        md.run(2000);
        std::vector<double> mdSeries;
        Configuration frame = liquid;
        for (int s = 0; s < 60000; ++s) {
            md.step();
            if (s % 20 == 0) mdSeries.push_back(md.state().potentialEnergy / n);
            if (s % 600 == 599) {
                frame.positions = md.state().positions;
                addFrame(mdG, s / 600, frame);
            }
        }
        const auto [mcMean, mcErr] = blockMean(mcSeries);
        const auto [mdMean, mdErr] = blockMean(mdSeries);
        qInfo("%s E/N at T = %g: swap MC %.4f +- %.4f (translations %.0f %%, swaps %.0f %% accepted), Langevin MD %.4f +- %.4f",
              qPrintable(model), t, mcMean, mcErr, 100 * stats.translationAcceptance(), 100 * stats.swapAcceptance(), mdMean, mdErr);
        QVERIFY(std::abs(mcMean - mdMean) < 4.0 * std::hypot(mcErr, mdErr) + 0.005);
        auto meanAndError = [&](const std::vector<std::vector<double>>& g, int k) {
            double mean = 0.0, var = 0.0;
            for (const auto& b : g) mean += b[std::size_t(k)] / blocks;
            for (const auto& b : g) var += (b[std::size_t(k)] - mean) * (b[std::size_t(k)] - mean);
            return std::pair{mean, std::sqrt(var / (blocks * (blocks - 1.0)))};
        };
        double peak = 0.0, worst = 0.0;
        for (int k = 0; k < bins; ++k) {
            const auto [a, ea] = meanAndError(mcG, k);
            const auto [b, eb] = meanAndError(mdG, k);
            peak = std::max(peak, a);
            const double z = std::abs(a - b) / (std::hypot(ea, eb) + 0.01);
            worst = std::max(worst, z);
            QVERIFY2(z < 4.5, qPrintable(QString("g(r) bin %1 (r = %2): swap MC %3 +- %4, MD %5 +- %6")
                                            .arg(k).arg((k + 0.5) * rMax / bins).arg(a).arg(ea).arg(b).arg(eb)));
        }
        qInfo("g(r): first peak %.2f; largest difference %.1f standard errors over %d bins", peak, worst, bins);
        QVERIFY(peak > 1.5); // a liquid's structure, not an ideal gas: the comparison has something to compare
    }
    void onlyAllowedPairsSwap() {
        const Model m = Model::preset("ka2");
        QVERIFY_THROWS_EXCEPTION(InputError, parseSwapPairs("A-D", m));
        QVERIFY_THROWS_EXCEPTION(InputError, parseSwapPairs("A-A", m));
        QVERIFY_THROWS_EXCEPTION(InputError, parseSwapPairs("AC", m));
        const auto pairs = parseSwapPairs("C-A", m);
        QCOMPARE(pairs.size(), std::size_t(1));
        QCOMPARE(pairs[0], std::make_pair(0, 2));
        RandomStream rng(1);
        const Configuration start = randomLatticeStart(m, 300, rng);
        SwapMonteCarlo mc(m, start, RandomStream(2));
        SwapMcParameters p;
        p.temperature = 1.5;
        p.swapProbability = 1.0;
        p.allowedSwaps = pairs;
        SwapMcStatistics stats;
        for (int s = 0; s < 20; ++s) mc.sweep(p, stats);
        const Configuration c = mc.configuration();
        for (int i = 0; i < c.size(); ++i) QCOMPARE(c.species[std::size_t(i)] == 1, start.species[std::size_t(i)] == 1); // B never moves
        QVERIFY(stats.swapsAccepted > 0 && stats.swapsForbidden > 0);
        QCOMPARE(m.composition(300), (std::vector<int>{int(std::count(c.species.begin(), c.species.end(), 0)),
                                                       int(std::count(c.species.begin(), c.species.end(), 1)),
                                                       int(std::count(c.species.begin(), c.species.end(), 2))}));
    }
    /// The displacement summed over accepted translations is where the particle went: the
    /// minimum image of (now - start) for every particle (a short run: nobody moves L/2).
    void travelledIsTheDisplacementFromTheStart() {
        const Model m = Model::preset("ka2");
        RandomStream rng(6);
        const Configuration start = randomLatticeStart(m, 300, rng);
        SwapMonteCarlo mc(m, start, RandomStream(8));
        SwapMcParameters p;
        p.temperature = 1.0;
        SwapMcStatistics stats;
        for (int s = 0; s < 30; ++s) mc.sweep(p, stats);
        const Configuration now = mc.configuration();
        const Eigen::VectorXd d = minimumImageDisplacement(start.positions, now.positions, start.boxLength);
        double moved = 0.0;
        for (int i = 0; i < now.size(); ++i) {
            QVERIFY((mc.travelled()[std::size_t(i)] - d.segment<3>(3 * i)).norm() < 1e-9);
            moved += d.segment<3>(3 * i).squaredNorm();
        }
        QVERIFY(moved > 0.0);
    }
    /// The relaxation report of a preparation: a hot liquid relaxes within the production run
    /// (F_s(q = 7.25) well below 1/e, MSD of order a particle spacing squared), a cold glass
    /// does not (F_s near 1, MSD a small fraction of that); and F_s agrees with the Gaussian
    /// approximation exp(-q^2 MSD / 6) where the displacements are small.
    void preparationReportsWhetherItRelaxed() {
        const Model m = Model::preset("ka2");
        SwapPreparationParameters hot;
        hot.startTemperature = 2.0;
        hot.finalTemperature = 2.0;
        hot.coolingSweeps = 10;
        hot.sweeps = 400;
        const SwapPreparationResult liquid = prepareSwapGlass(m, 300, hot, 5);
        QVERIFY2(liquid.productionFs < std::exp(-1.0), qPrintable(QString::number(liquid.productionFs)));
        QVERIFY(liquid.productionMsd > 0.1);
        SwapPreparationParameters cold = hot;
        cold.finalTemperature = 0.3;
        cold.coolingSweeps = 300;
        cold.sweeps = 20;
        const SwapPreparationResult glass = prepareSwapGlass(m, 300, cold, 5);
        QVERIFY2(glass.productionFs > 0.8, qPrintable(QString::number(glass.productionFs)));
        QVERIFY(glass.productionMsd < 0.02);
        const double gaussian = std::exp(-7.25 * 7.25 * glass.productionMsd / 6.0);
        QVERIFY2(std::abs(glass.productionFs - gaussian) < 0.05, qPrintable(QString("%1 vs %2").arg(glass.productionFs).arg(gaussian)));
    }
    void preparationIsReproducibleAndCools() {
        const Model m = Model::preset("ka2");
        SwapPreparationParameters p;
        p.startTemperature = 2.0;
        p.finalTemperature = 0.8;
        p.coolingSweeps = 100;
        p.sweeps = 100;
        p.logEvery = 10;
        const SwapPreparationResult a = prepareSwapGlass(m, 200, p, 7);
        const SwapPreparationResult b = prepareSwapGlass(m, 200, p, 7);
        QVERIFY(a.configuration.positions == b.configuration.positions);
        QVERIFY(a.configuration.species == b.configuration.species);
        QVERIFY(std::abs(a.energyDrift) < 1e-8 * std::abs(a.energy));
        QCOMPARE(a.energyPerParticle.size(), std::size_t(20));
        QVERIFY(a.energyPerParticle.back().second < a.energyPerParticle.front().second); // it cooled
        QVERIFY(a.production.swapAcceptance() > 0.0);
        QVERIFY_THROWS_EXCEPTION(InputError, prepareSwapGlass(m, 200, [] { SwapPreparationParameters q; q.finalTemperature = -1; return q; }(), 1));
        QVERIFY_THROWS_EXCEPTION(InputError, prepareSwapGlass(m, 20, p, 1)); // the box cannot hold the cutoff
    }
};

QTEST_GUILESS_MAIN(TestSwapMc)
#include "test_swap_mc.moc"
