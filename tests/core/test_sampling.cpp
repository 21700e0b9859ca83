// Starting liquids along one trajectory (the paper's protocol) and the inherent-structure energy
// statistics used to judge equilibration.
#include "TestSystems.h"
#include "core/common/Error.h"
#include "core/dynamics/TrajectorySampling.h"
#include "core/search/Search.h"

#include <atomic>
#include <chrono>
#include <thread>

using namespace tlscope;

class TestSampling : public QObject {
    Q_OBJECT
private slots:
    void oneSampleIsTheIndependentLiquid() {
        const Model m = Model::preset("ka-rh");
        EquilibrationParameters p;
        p.time = 5.0;
        p.meltTime = 1.0;
        const TrajectorySample t = sampleTrajectory(m, 65, p, 10.0, 1, 42);
        const Configuration c = generateEquilibratedLiquid(m, 65, p, 42);
        QCOMPARE(t.configurations.size(), std::size_t(1));
        QVERIFY(t.configurations[0].positions == c.positions);
        QVERIFY(t.configurations[0].species == c.species);
    }

    void samplesAreIntervalApartAlongOneTrajectory() {
        const Model m = Model::preset("ka-rh");
        EquilibrationParameters p;
        p.time = 5.0;
        p.meltTime = 1.0;
        int calls = 0;
        const TrajectorySample t = sampleTrajectory(m, 65, p, 2.0, 4, 42, [&](int done, int total) {
            ++calls;
            QCOMPARE(total, 4);
            QCOMPARE(done, calls);
        });
        QCOMPARE(t.configurations.size(), std::size_t(4));
        QCOMPARE(calls, 4);
        const Configuration first = generateEquilibratedLiquid(m, 65, p, 42);
        QVERIFY(t.configurations[0].positions == first.positions);
        for (std::size_t k = 1; k < 4; ++k) {
            QVERIFY(t.configurations[k].species == first.species); // same particles, moved
            QVERIFY((t.configurations[k].positions - t.configurations[k - 1].positions).norm() > 0.1);
            for (Eigen::Index i = 0; i < t.configurations[k].positions.size(); ++i)
                QVERIFY(t.configurations[k].positions[i] >= 0 && t.configurations[k].positions[i] < first.boxLength);
        }
        // F_s over the sampling stretch: from ~1 down, sampled up to (count - 1) * interval.
        QVERIFY(!t.relaxation.time.empty());
        QVERIFY(std::abs(t.relaxation.time.back() - 6.0) < 1e-9);
        QVERIFY(t.relaxation.fs.front() > 0.9 && t.relaxation.fs.back() < t.relaxation.fs.front());
        QVERIFY_THROWS_EXCEPTION(InputError, sampleTrajectory(m, 65, p, 0.0, 3, 1));
        QVERIFY_THROWS_EXCEPTION(InputError, sampleTrajectory(m, 65, p, 1.0, 0, 1));
    }

    void statisticsByHand() {
        InherentStructureSeries a, b;
        a.energies = {1.0, 3.0};  // mean 2, sd sqrt(2)
        b.energies = {4.0, 6.0};  // mean 5, sd sqrt(2)
        const InherentStructureStatistics s = inherentStructureStatistics({a, b});
        QCOMPARE(s.runs, 2);
        QCOMPARE(s.samples, 4L);
        QVERIFY(std::abs(s.mean - 3.5) < 1e-12);
        QVERIFY(std::abs(s.meanError - 1.5) < 1e-12);      // run means 2, 5: sd 2.1213 / sqrt(2)
        QVERIFY(std::abs(s.sd - std::sqrt(2.0)) < 1e-12);  // pooled within-run sd
        QVERIFY(std::abs(s.sdError) < 1e-12);               // both runs have the same sd
        // One sample per run: sd across runs.
        InherentStructureSeries c, d, e;
        c.energies = {1.0}, d.energies = {2.0}, e.energies = {3.0};
        const InherentStructureStatistics t = inherentStructureStatistics({c, d, e});
        QVERIFY(std::abs(t.mean - 2.0) < 1e-12 && std::abs(t.sd - 1.0) < 1e-12);
        QVERIFY(std::abs(t.meanError - 1.0 / std::sqrt(3.0)) < 1e-12);
        // Lag-1 correlation of an alternating series is -1-ish, of a trend positive.
        const Model m = Model::preset("ka-rh");
        EquilibrationParameters p;
        p.time = 2.0;
        p.meltTime = 1.0;
        const InherentStructureSeries run = inherentStructureSeries(m, 65, p, 1.0, 5, 3);
        QCOMPARE(run.energies.size() + static_cast<std::size_t>(run.failedQuenches), std::size_t(5));
        for (double x : run.energies) QVERIFY(x < -250 && x > -320); // KA-RH N = 65 inherent structures
        QVERIFY(std::abs(run.lag1Correlation) <= 1.0);
    }

    void trajectoryProtocolIsThreadIndependent() {
        SearchParameters p;
        p.starts = 3;
        p.attempts = 20;
        p.equilibrationTime = 5;
        p.meltTime = 1;
        p.startProtocol = StartProtocol::Trajectory;
        p.sampleInterval = 3.0;
        QCOMPARE(SearchParameters::parse(p.serialize(), p.model, "t").serialize(), p.serialize());
        struct Energies final : SearchObserver {
            std::map<int, double> is;
            std::vector<std::string> log;
            void onStartingStructure(const StartingStructure& s) override { is[s.start] = s.energy; }
            void onLog(const std::string& l) override { log.push_back(l); }
        };
        // One thread samples the whole trajectory first; with more, one thread runs the trajectory
        // while the others already search the starts it has sampled.
        Energies one, two, three;
        p.threads = 1;
        QVERIFY(Search(p).run(one));
        p.threads = 3;
        QVERIFY(Search(p).run(three));
        p.threads = 2;
        QVERIFY(Search(p).run(two));
        QCOMPARE(one.is, two.is);
        QCOMPARE(one.is, three.is);
        QCOMPARE(one.is.size(), std::size_t(3));
        QVERIFY(one.is[0] != one.is[1] && one.is[1] != one.is[2]);
        QVERIFY(std::any_of(one.log.begin(), one.log.end(), [](const std::string& l) { return l.find("tau_alpha") != std::string::npos; }));
        // Resuming with start 1 done reproduces starts 0 and 2.
        Energies resumed;
        QVERIFY(Search(p).run(resumed, {1}));
        QCOMPARE(resumed.is.size(), std::size_t(2));
        QCOMPARE(resumed.is[0], one.is[0]);
        QCOMPARE(resumed.is[2], one.is[2]);
    }

    /// A stop while the trajectory is still being sampled ends the run: the workers waiting for
    /// their starts' configurations return, nothing is searched twice, run() reports the stop.
    void stopDuringTrajectorySampling() {
        SearchParameters p;
        p.starts = 50;
        p.attempts = 20;
        p.equilibrationTime = 5;
        p.meltTime = 1;
        p.startProtocol = StartProtocol::Trajectory;
        p.sampleInterval = 200.0; // 20 000 steps between starts: the sampling outlasts the stop
        p.threads = 2;
        struct Count final : SearchObserver {
            std::atomic<int> starts{0};
            void onStartingStructure(const StartingStructure&) override { ++starts; }
        } count;
        Search search(p);
        std::thread stopper([&] {
            while (count.starts.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
            search.stop();
        });
        QVERIFY(!search.run(count));
        stopper.join();
        QVERIFY(count.starts.load() >= 1 && count.starts.load() < 50);
    }
};

QTEST_GUILESS_MAIN(TestSampling)
#include "test_sampling.moc"
