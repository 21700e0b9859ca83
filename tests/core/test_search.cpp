// The DWP search: parameter validation, identical catalogs for any thread count, pause/stop,
// session files that round-trip every quantity, and readers that reject foreign or damaged files.
#include "core/analysis/Analysis.h"
#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/SessionFile.h"
#include "core/potential/PairPotential.h"
#include "core/search/Search.h"
#include "core/tls/Displacement.h"

#include <hdf5.h>

#include <QtTest>

#include <functional>
#include <mutex>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

using namespace tlscope;

namespace {

/// An HDF5 file holding one empty group: valid HDF5, but not a session.
void writeHdf5WithGroup(const std::string& path, const char* group) {
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(H5Gcreate2(f, group, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    H5Fclose(f);
}

SearchParameters small(int threads) {
    SearchParameters p;
    p.particles = 65;
    p.starts = 3;
    p.attempts = 30;
    p.equilibrationTime = 20;
    p.seed = 5;
    p.threads = threads;
    return p;
}

/// A catalog without configurations: `starts` finished starts of `attempts` attempts each,
/// `returned(k)` of start k's fell back into it; add DWPs with addDwp.
SessionData syntheticCatalog(const std::string& path, int starts, int attempts, const std::function<int(int)>& returned) {
    SessionData s;
    s.path = path;
    s.parameters = small(1);
    s.parameters.starts = starts;
    for (int k = 0; k < starts; ++k) {
        StartingStructure st;
        st.start = k;
        s.starts.push_back(st);
        StartSummary sum;
        sum.start = k, sum.attempts = attempts, sum.returnedToStart = returned(k);
        s.summaries.push_back(sum);
    }
    return s;
}

void addDwp(SessionData& s, int start, int findCount) {
    DwpRecord r;
    r.start = start, r.minimum = 0, r.findCount = findCount, r.dwp.sortedProfile = {0.1};
    s.doubleWells.push_back(r);
    s.doubleWellStartFinished.push_back(true);
}

/// Collects everything a search reports.
struct Recorder final : SearchObserver {
    std::vector<DwpRecord> dwps;
    std::vector<FoundMinimum> minima;
    std::vector<StartSummary> starts;
    std::vector<SearchProgress> progress;
    int snapshots = 0;
    void onDoubleWell(const DwpRecord& r) override { dwps.push_back(r); }
    void onStartCompleted(const StartSummary& s, const std::vector<FoundMinimum>& m) override {
        starts.push_back(s);
        minima.insert(minima.end(), m.begin(), m.end());
    }
    void onProgress(const SearchProgress& p) override { progress.push_back(p); }
    void onSnapshot(const SearchSnapshot& s) override {
        ++snapshots;
        QCOMPARE(s.positions.size(), s.reference.size());
    }
    void sort() {
        std::sort(dwps.begin(), dwps.end(), [](auto& a, auto& b) { return std::tie(a.start, a.minimum) < std::tie(b.start, b.minimum); });
        std::sort(minima.begin(), minima.end(), [](auto& a, auto& b) { return std::tie(a.start, a.id) < std::tie(b.start, b.id); });
        std::sort(starts.begin(), starts.end(), [](auto& a, auto& b) { return a.start < b.start; });
    }
};

void expectSameDwp(const DwpRecord& a, const DwpRecord& b, bool withPath) {
    QCOMPARE(a.start, b.start);
    QCOMPARE(a.minimum, b.minimum);
    QCOMPARE(a.findCount, b.findCount);
    QCOMPARE(a.startEnergy, b.startEnergy);
    QCOMPARE(a.species, b.species);
    const DoubleWell &x = a.dwp, &y = b.dwp;
    QCOMPARE(x.e1, y.e1);
    QCOMPARE(x.e2, y.e2);
    QCOMPARE(x.eSaddle, y.eSaddle);
    QCOMPARE(x.asymmetry, y.asymmetry);
    QCOMPARE(x.barrier, y.barrier);
    QCOMPARE(x.d, y.d);
    QCOMPARE(x.dMassWeighted, y.dMassWeighted);
    QCOMPARE(x.dReactionPath, y.dReactionPath);
    QCOMPARE(x.dMassWeightedReactionPath, y.dMassWeightedReactionPath);
    QCOMPARE(x.centralParticle, y.centralParticle);
    QCOMPARE(x.centralSpecies, y.centralSpecies);
    QCOMPARE(x.pr2, y.pr2);
    QCOMPARE(x.pr3, y.pr3);
    QCOMPARE(x.pr4, y.pr4);
    QCOMPARE(x.barrier1, y.barrier1);
    QCOMPARE(x.barrier2, y.barrier2);
    QCOMPARE(x.quantum.splitting, y.quantum.splitting);
    QCOMPARE(x.quantum.e0, y.quantum.e0);
    QCOMPARE(x.quantum.level0, y.quantum.level0);
    QCOMPARE(x.quantum.level1, y.quantum.level1);
    QCOMPARE(x.quantum.level0Well1, y.quantum.level0Well1);
    QCOMPARE(x.quantum.quantumAsymmetry, y.quantum.quantumAsymmetry);
    QCOMPARE(x.quantum.delta0, y.quantum.delta0);
    QCOMPARE(x.quantum.twoLevelEnergy, y.quantum.twoLevelEnergy);
    QCOMPARE(x.isTls, y.isTls);
    QCOMPARE(x.sortedProfile, y.sortedProfile);
    if (withPath) {
        QVERIFY(x.minimum1 == y.minimum1);
        QVERIFY(x.minimum2 == y.minimum2);
        QVERIFY(x.saddle == y.saddle);
        QCOMPARE(x.pathImageEnergy, y.pathImageEnergy);
        QCOMPARE(x.pathImageS, y.pathImageS);
        QCOMPARE(x.profile.s, y.profile.s);
        QCOMPARE(x.profile.energy, y.profile.energy);
        QCOMPARE(x.profileSaddle, y.profileSaddle);
        QCOMPARE(x.profileMinimum2, y.profileMinimum2);
        QCOMPARE(x.pathImages.size(), y.pathImages.size());
        for (std::size_t k = 0; k < x.pathImages.size(); ++k) QVERIFY(x.pathImages[k] == y.pathImages[k]);
    }
}

void expectInputError(const std::string& path, const QString& fragment) {
    try {
        readSession(path);
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains(fragment), e.what());
        QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
        return;
    }
    QFAIL(qPrintable("no error for " + QString::fromStdString(path)));
}

} // namespace

class TestSearch : public QObject {
    Q_OBJECT
    QTemporaryDir dir;
    Recorder reference; ///< single-threaded run, shared by several tests
    std::string referenceFile;

private slots:
    void initTestCase() {
        referenceFile = dir.filePath("ref.tls.h5").toStdString();
        SessionWriter writer(referenceFile, small(1));
        struct Both final : SearchObserver {
            Recorder& r;
            SessionWriter& w;
            Both(Recorder& r, SessionWriter& w) : r(r), w(w) {}
            void onStartingStructure(const StartingStructure& s) override { w.onStartingStructure(s); }
            void onDoubleWell(const DwpRecord& d) override { r.onDoubleWell(d), w.onDoubleWell(d); }
            void onStartCompleted(const StartSummary& s, const std::vector<FoundMinimum>& m) override {
                r.onStartCompleted(s, m), w.onStartCompleted(s, m);
            }
            void onProgress(const SearchProgress& p) override { r.onProgress(p); }
        } both(reference, writer);
        Search search(small(1));
        QVERIFY(search.run(both));
        writer.close();
        reference.sort();
        QCOMPARE(int(reference.starts.size()), 3);
        QVERIFY2(!reference.dwps.empty(), "the reference search found no DWP: the tests below would be empty");
    }

    void parametersAreValidated_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("d_min >= d_max") << 0 << "--d-max";
        QTest::newRow("no starts") << 1 << "--starts";
        QTest::newRow("no attempts") << 2 << "--attempts";
        QTest::newRow("negative T") << 3 << "--t-search";
        QTest::newRow("box too small") << 4 << "box";
        QTest::newRow("asym_max") << 5 << "--asym-max";
    }
    void parametersAreValidated() {
        QFETCH(int, which);
        QFETCH(QString, fragment);
        SearchParameters p = small(1);
        switch (which) {
        case 0: p.dMin = 0.9, p.dMax = 0.8; break;
        case 1: p.starts = 0; break;
        case 2: p.attempts = 0; break;
        case 3: p.tSearch = -1; break;
        case 4: p.particles = 20; break;
        case 5: p.asymMax = 0; break;
        }
        try {
            Search s(p);
            QFAIL("accepted invalid parameters");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
    }

    /// A start whose liquid cannot be equilibrated (here a time step too large for the melt at
    /// T = 2) is skipped with the reason; the run goes on and ends normally. (It used to end the
    /// whole run with "cutoff 1.8 does not fit the box: L = 0".)
    void unstableEquilibrationSkipsTheStart() {
        SearchParameters p = small(2);
        p.timeStep = 0.05;
        p.starts = 2;
        struct Log final : SearchObserver {
            std::vector<StartSummary> starts;
            std::vector<std::string> log;
            std::mutex m;
            void onStartCompleted(const StartSummary& s, const std::vector<FoundMinimum>&) override {
                std::lock_guard lock(m);
                starts.push_back(s);
            }
            void onLog(const std::string& l) override {
                std::lock_guard lock(m);
                log.push_back(l);
            }
        } log;
        QVERIFY(Search(p).run(log));
        QCOMPARE(log.starts.size(), std::size_t(2));
        for (const StartSummary& s : log.starts) {
            // The melt diverges (or, where the trajectory happens to survive it, the quench of
            // the exploded liquid fails): either way a reason, not the end of the run.
            QVERIFY(!s.ok);
            QVERIFY2(QString::fromStdString(s.message).contains("unstable") || QString::fromStdString(s.message).contains("non-finite"),
                     s.message.c_str());
        }
        QVERIFY(std::any_of(log.log.begin(), log.log.end(), [](const std::string& l) { return l.find("skipped") != std::string::npos; }));
    }

    void parametersRoundTripAsText() {
        SearchParameters p = small(2);
        p.tSearch = 0.123456789012345;
        p.saddleMethod = SaddleMethod::Ridge;
        const SearchParameters q = SearchParameters::parse(p.serialize(), p.model, "test");
        QCOMPARE(q.serialize(), p.serialize());
        QCOMPARE(q.tSearch, p.tSearch);
        for (auto kind : {MinimizerKind::ConjugateGradient, MinimizerKind::Fire, MinimizerKind::Lbfgs}) {
            p.quenchMinimizer = kind;
            QCOMPARE(SearchParameters::parse(p.serialize(), p.model, "test").quenchMinimizer, kind);
        }
        // Runs written before the key existed quenched with CG, and resume as they ran.
        QCOMPARE(SearchParameters{}.quenchMinimizer, MinimizerKind::Lbfgs);
        QCOMPARE(SearchParameters::parse("starts = 2\n", p.model, "old").quenchMinimizer, MinimizerKind::ConjugateGradient);
        QVERIFY_THROWS_EXCEPTION(InputError, SearchParameters::parse("quench_minimizer = newton\n", p.model, "x"));
        // Likewise the MD forces: single precision for new runs, double for runs written before.
        QVERIFY(SearchParameters{}.singlePrecisionMd);
        for (bool single : {true, false}) {
            p.singlePrecisionMd = single;
            QCOMPARE(SearchParameters::parse(p.serialize(), p.model, "test").singlePrecisionMd, single);
        }
        QVERIFY(!SearchParameters::parse("starts = 2\n", p.model, "old").singlePrecisionMd);
        QVERIFY_THROWS_EXCEPTION(InputError, SearchParameters::parse("md_forces = half\n", p.model, "x"));
        QVERIFY_THROWS_EXCEPTION(InputError, SearchParameters::parse("starts = many\n", p.model, "x"));
        QVERIFY_THROWS_EXCEPTION(InputError, SearchParameters::parse("colour = red\n", p.model, "x"));
    }

    void everyDwpIsVerifiedAndFiltered() {
        const SearchParameters p = small(1);
        for (const DwpRecord& r : reference.dwps) {
            QCOMPARE(r.dwp.saddleIndex, 1);
            QVERIFY(r.dwp.dMassWeightedReactionPath < p.dMax);
            QVERIFY(r.dwp.asymmetry < p.asymMax);
            QVERIFY(r.dwp.d > p.dMin);
            QVERIFY(r.findCount >= 1);
            QVERIFY(r.dwp.eSaddle > std::max(r.dwp.e1, r.dwp.e2));
            QCOMPARE(r.dwp.e1, r.startEnergy);
        }
        // Every kept minimum is a DWP or has a reason; counts add up to the summaries.
        int dwps = 0;
        for (const FoundMinimum& m : reference.minima) {
            QVERIFY(m.status != MinimumStatus::Pending);
            if (m.status == MinimumStatus::Rejected) QVERIFY(!m.reason.empty());
            dwps += m.status == MinimumStatus::DoubleWell;
        }
        QCOMPARE(dwps, int(reference.dwps.size()));
        for (const StartSummary& s : reference.starts)
            QCOMPARE(s.attempts, s.returnedToStart + s.tooFar + s.tooAsymmetric + s.failedMinimizations +
                                     [&] { int n = 0; for (auto& m : reference.minima) if (m.start == s.start) n += m.findCount; return n; }());
        QVERIFY(!reference.progress.empty());
        QCOMPARE(reference.progress.back().attemptsDone, reference.progress.back().attemptsTotal);
    }

    void sameCatalogForAnyThreadCount() {
        for (int threads : {2, 3}) {
            Recorder r;
            Search search(small(threads));
            QVERIFY(search.run(r));
            r.sort();
            QCOMPARE(r.dwps.size(), reference.dwps.size());
            for (std::size_t k = 0; k < r.dwps.size(); ++k) expectSameDwp(r.dwps[k], reference.dwps[k], true);
            QCOMPARE(r.minima.size(), reference.minima.size());
            for (std::size_t k = 0; k < r.minima.size(); ++k) {
                QCOMPARE(r.minima[k].energy, reference.minima[k].energy);
                QCOMPARE(r.minima[k].findCount, reference.minima[k].findCount);
                QCOMPARE(r.minima[k].reason, reference.minima[k].reason);
            }
        }
    }

    void ridgeMethodFindsTheSameDoubleWells() {
        SearchParameters p = small(2);
        p.saddleMethod = SaddleMethod::Ridge;
        Recorder r;
        Search search(p);
        QVERIFY(search.run(r));
        r.sort();
        // Same minima (the attempt stage does not depend on the method), same saddles.
        int matched = 0;
        for (const DwpRecord& a : r.dwps)
            for (const DwpRecord& b : reference.dwps)
                if (a.start == b.start && a.minimum == b.minimum) {
                    QVERIFY(std::abs(a.dwp.eSaddle - b.dwp.eSaddle) < 1e-7);
                    ++matched;
                }
        QVERIFY2(matched >= int(reference.dwps.size()) - 1,
                 qPrintable(QString("ridge matched %1 of %2 NEB DWPs").arg(matched).arg(reference.dwps.size())));
    }

    void pauseHoldsAndStopEndsPromptly() {
        SearchParameters p = small(2);
        p.starts = 4;
        p.attempts = 100000;
        Search search(p);
        search.setSnapshotInterval(0.01);
        std::atomic<long> attempts{0};
        struct Counter final : SearchObserver {
            std::atomic<long>& n;
            std::atomic<int> snaps{0};
            explicit Counter(std::atomic<long>& n) : n(n) {}
            void onProgress(const SearchProgress& pr) override { n = pr.attemptsDone; }
            void onSnapshot(const SearchSnapshot&) override { ++snaps; }
        } counter(attempts);
        bool result = true;
        std::thread worker([&] { result = search.run(counter); });
        QTRY_VERIFY_WITH_TIMEOUT(attempts.load() > 10, 60000);
        search.pause();
        QVERIFY(search.paused());
        QTest::qWait(400); // in-flight attempts finish
        const long held = attempts.load();
        QTest::qWait(600);
        QCOMPARE(attempts.load(), held);
        search.resume();
        QTRY_VERIFY_WITH_TIMEOUT(attempts.load() > held, 60000);
        search.stop();
        worker.join();
        QVERIFY(!result);
        QVERIFY(counter.snaps.load() > 0);
    }

    void sessionFileHoldsEverything() {
        const SessionData s = readSession(referenceFile);
        QVERIFY(s.complete());
        QCOMPARE(s.parameters.serialize(), small(1).serialize());
        QCOMPARE(s.parameters.model.serialize(), small(1).model.serialize());
        QCOMPARE(s.doubleWells.size(), reference.dwps.size());
        for (std::size_t k = 0; k < s.doubleWells.size(); ++k) {
            QVERIFY(s.doubleWellStartFinished[k]);
            expectSameDwp(s.doubleWells[k], reference.dwps[k], true);
        }
        QCOMPARE(s.minima.size(), reference.minima.size());
        for (std::size_t k = 0; k < s.minima.size(); ++k) {
            QCOMPARE(s.minima[k].energy, reference.minima[k].energy);
            QCOMPARE(s.minima[k].reason, reference.minima[k].reason);
            QVERIFY(s.minima[k].positions == reference.minima[k].positions);
        }
        QCOMPARE(s.starts.size(), std::size_t(3));
        for (std::size_t k = 0; k < 3; ++k) {
            QCOMPARE(s.summaries[k].attempts, reference.starts[k].attempts);
            QCOMPARE(s.starts[k].energy, reference.starts[k].energy);
        }
        // The stored inherent structure is minimum 1 of its DWPs.
        for (const DwpRecord& r : s.doubleWells) {
            const auto& is = *std::find_if(s.starts.begin(), s.starts.end(), [&](auto& x) { return x.start == r.start; });
            QVERIFY(is.positions == r.dwp.minimum1);
            QCOMPARE(is.species, r.species);
        }
    }

    /// Soft spheres: each start draws its own diameters; the session stores them per start and
    /// per DWP (H5MD per-particle data), and the energies recomputed from the file agree.
    void softSphereSessionsCarryDiameters() {
        SearchParameters p = small(2);
        p.model = Model::preset("soft-spheres");
        p.particles = 100;
        p.starts = 2;
        // About one DWP per 60 attempts at this size (seeds 5-8 and kicks at T = 0.08-0.6
        // measured): 400 attempts make "none found" a < 1 % event for any binary's rounding.
        p.attempts = 200;
        // Kicks scaled to the soft spheres (T_MCT ~ 0.1, against 0.435 for KA).
        p.tEquil = 0.3;
        p.tSearch = 0.15;
        const std::string path = dir.filePath("soft.tls.h5").toStdString();
        {
            SessionWriter writer(path, p);
            Search search(p);
            QVERIFY(search.run(writer));
            writer.close();
        }
        const SessionData s = readSession(path);
        QCOMPARE(s.starts.size(), std::size_t(2));
        QVERIFY(s.starts[0].diameters != s.starts[1].diameters);
        for (const StartingStructure& is : s.starts) {
            QCOMPARE(is.diameters.size(), std::size_t(100));
            Configuration c;
            c.boxLength = is.boxLength, c.species = is.species, c.diameters = is.diameters, c.positions = is.positions;
            PairPotential pot(p.model, c);
            QVERIFY(std::abs(pot.energy(c.positions) - is.energy) < 1e-9 * std::abs(is.energy));
        }
        QVERIFY2(!s.doubleWells.empty(), "no soft-sphere DWP: nothing to check the DWP diameters on");
        for (const DwpRecord& r : s.doubleWells) {
            const auto& is = *std::find_if(s.starts.begin(), s.starts.end(), [&](auto& x) { return x.start == r.start; });
            QCOMPARE(r.diameters, is.diameters);
        }
    }

    void exportsAreReadable() {
        const SessionData s = readSession(referenceFile);
        const std::string csv = dir.filePath("t.csv").toStdString(), xyz = dir.filePath("t.xyz").toStdString();
        writeDoubleWellCsv(s, csv);
        std::ifstream in(csv);
        std::string header, line;
        std::getline(in, header);
        QVERIFY(QString::fromStdString(header).startsWith("start,minimum,find_count"));
        int rows = 0;
        while (std::getline(in, line)) ++rows;
        QCOMPARE(rows, int(s.doubleWells.size()));
        writeDoubleWellXyz(s, 0, xyz);
        const auto frames = readXyzFrames(xyz);
        QCOMPARE(frames.size(), std::size_t(3));
        QCOMPARE(*frames[0].energy, s.doubleWells[0].dwp.e1);
        QCOMPARE(*frames[1].energy, s.doubleWells[0].dwp.eSaddle);
        QCOMPARE(*frames[2].energy, s.doubleWells[0].dwp.e2);
        QVERIFY_THROWS_EXCEPTION(InputError, writeDoubleWellXyz(s, 999, xyz));
        // The whole path as a trajectory: 25 frames aligned to minimum 1, continuous, with the
        // stored energies and arc lengths.
        const std::string traj = dir.filePath("path.xyz").toStdString();
        writeDoubleWellPathXyz(s, 0, traj);
        const auto path = readXyzFrames(traj);
        const DoubleWell& w = s.doubleWells[0].dwp;
        const double L = s.parameters.model.boxLengthFor(s.parameters.particles);
        QCOMPARE(int(path.size()), kStoredPathImages);
        for (std::size_t k = 0; k < path.size(); ++k) {
            QCOMPARE(*path[k].energy, w.pathImageEnergy[k]);
            QVERIFY(std::abs(std::stod(path[k].info.at("path_s")) - w.pathImageS[k]) < 1e-9 * (1 + w.pathImageS[k]));
            if (k > 0)
                for (Eigen::Index i = 0; i < path[k].positions.size(); ++i)
                    QVERIFY2(std::abs(path[k].positions[i] - path[k - 1].positions[i]) < 0.25 * L, "a particle jumps between frames");
        }
        QVERIFY((path.front().positions - alignedTo(w.minimum1, w.minimum1, L)).cwiseAbs().maxCoeff() < 1e-12);
        // Minimum 2 up to a uniform translation (minimizers and the mass-weighted path conserve
        // different centres of mass).
        const Eigen::VectorXd mass = relativeMasses(s.parameters.model, s.doubleWells[0].species);
        QVERIFY(distance(path.back().positions, w.minimum2, L, mass) < 1e-6);
    }

    void lockTellsWhetherASessionIsBeingWritten() {
        const std::string path = dir.filePath("locked.tls.h5").toStdString();
        QVERIFY(!sessionBeingWritten(path));
        {
            SessionLock lock(path);
            QVERIFY(sessionBeingWritten(path));
            QVERIFY_THROWS_EXCEPTION(InputError, SessionLock{path}); // a second writer is refused
        }
        QVERIFY(!sessionBeingWritten(path));
        QVERIFY(!std::filesystem::exists(path + ".lock"));
    }

    void foreignAndDamagedFilesAreRejected() {
        expectInputError(dir.filePath("missing.tls.h5").toStdString(), "no such file");
        const std::string text = dir.filePath("text.tls.h5").toStdString();
        std::ofstream(text) << "not hdf5\n";
        expectInputError(text, "not an HDF5 file");
        // An HDF5 file from some other program.
        const std::string foreign = dir.filePath("foreign.h5").toStdString();
        writeHdf5WithGroup(foreign, "particles");
        expectInputError(foreign, "not a TLScope session");
        // A /tlscope group of another format.
        const std::string other = dir.filePath("other.h5").toStdString();
        writeHdf5WithGroup(other, "tlscope");
        expectInputError(other, "attribute 'format' is missing");
        // Truncated copies of a real session.
        std::ifstream in(referenceFile, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        for (double keep : {0.05, 0.5, 0.9}) {
            const std::string cut = dir.filePath(QString("cut%1.tls.h5").arg(keep)).toStdString();
            std::ofstream(cut, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size() * keep));
            try {
                readSession(cut);
                QFAIL(qPrintable(QString("truncated file (%1) accepted").arg(keep)));
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(cut)), e.what());
            }
        }
    }

    /// Issue 15: a flipped value inside a real session (a species index -1 or 8, a level
    /// localisation 7) is reported as damage instead of crashing a reader or exporting garbage.
    void outOfRangeContentsAreRejected_data() {
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("dwp species 8") << "dwp_species" << 8 << "dwp_species row 0 has species index 8";
        QTest::newRow("dwp species -1") << "dwp_species" << -1 << "dwp_species row 0 has species index -1";
        QTest::newRow("IS species 8") << "/particles/inherent_structures/species/value" << 8 << "species row 0 has species index 8";
    }
    void outOfRangeContentsAreRejected() {
        QFETCH(QString, dataset);
        QFETCH(int, value);
        QFETCH(QString, expected);
        QVERIFY(!reference.dwps.empty());
        const std::string copy = dir.filePath(QString("flipped-%1.tls.h5").arg(QTest::currentDataTag()).replace(' ', '_')).toStdString();
        std::filesystem::copy_file(referenceFile, copy, std::filesystem::copy_options::overwrite_existing);
        {
            const hid_t f = H5Fopen(copy.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
            QVERIFY(f >= 0);
            const std::string path = dataset.startsWith('/') ? dataset.toStdString() : "/tlscope/" + dataset.toStdString();
            const hid_t d = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
            QVERIFY(d >= 0);
            const hid_t space = H5Dget_space(d);
            hsize_t start[2] = {0, 0}, count[2] = {1, 1};
            H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr);
            const hid_t mem = H5Screate_simple(2, count, nullptr);
            const std::int32_t v = value;
            QVERIFY(H5Dwrite(d, H5T_NATIVE_INT32, mem, space, H5P_DEFAULT, &v) >= 0);
            H5Sclose(mem), H5Sclose(space), H5Dclose(d), H5Fclose(f);
        }
        expectInputError(copy, expected);
        expectInputError(copy, "damaged session file");
    }

    /// Issue 15: damaged sessions neither hang nor give silently different numbers. Every copy
    /// with one flipped bit either reads to exactly the original catalog (the bit was unused)
    /// or is rejected as damaged (chunk checksums, range checks, bounded metadata retries).
    void bitFlippedSessionsAreRejectedOrUnchanged() {
        std::ifstream in(referenceFile, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        SessionReadOptions all;
        all.minimaPositions = true;
        const SessionData original = readSession(referenceFile, all);
        std::mt19937_64 rng(2026);
        int rejected = 0, unchanged = 0;
        for (int k = 0; k < 60; ++k) {
            std::string damaged = bytes;
            const std::size_t at = std::uniform_int_distribution<std::size_t>(0, damaged.size() - 1)(rng);
            damaged[at] = static_cast<char>(damaged[at] ^ (1 << (k % 8)));
            const std::string path = dir.filePath("flip.tls.h5").toStdString();
            std::ofstream(path, std::ios::binary | std::ios::trunc).write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
            try {
                const SessionData s = readSession(path, all);
                QCOMPARE(s.doubleWells.size(), original.doubleWells.size());
                for (std::size_t d = 0; d < s.doubleWells.size(); ++d) expectSameDwp(s.doubleWells[d], original.doubleWells[d], true);
                QCOMPARE(s.minima.size(), original.minima.size());
                for (std::size_t m = 0; m < s.minima.size(); ++m) QVERIFY(s.minima[m].positions == original.minima[m].positions);
                QCOMPARE(s.starts.size(), original.starts.size());
                for (std::size_t m = 0; m < s.starts.size(); ++m) QVERIFY(s.starts[m].positions == original.starts[m].positions);
                ++unchanged;
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
                ++rejected;
            }
        }
        qInfo("60 one-bit flips: %d rejected, %d unchanged", rejected, unchanged);
        QVERIFY(rejected > 0);
    }

    void twoCopiesRetentionMatchesHandValuesAndADirectSimulation() {
        // Hand values: return fractions 0.5 and 0.8, DWPs found once and three times.
        {
            SessionData s = syntheticCatalog("hand.tls.h5", 2, 10, [](int k) { return k == 0 ? 5 : 8; });
            addDwp(s, 0, 1);
            addDwp(s, 0, 3);
            const CatalogAnalysis a = analyzeCatalog(s);
            QCOMPARE(a.returnedToStart, 13L);
            QVERIFY(std::abs(a.returnFraction - 0.65) < 1e-15);
            QVERIFY(std::abs(a.returnFractionError - 0.15) < 1e-12); // fractions 0.5 and 0.8: sd 0.3 / sqrt(2), / sqrt(2)
            const double once = (0.5 + 0.8) / 2, thrice = (1 - 0.125 + 1 - 0.008) / 2; // 1 - (1 - q)^k
            QVERIFY(std::abs(a.twoCopiesRetention - (once + thrice) / 2) < 1e-12);
            QVERIFY(std::abs(a.twoCopiesRetentionError - (thrice - once) / 2) < 1e-12);
            s.parameters.model.copies = 2; // a catalog of copies has no such prediction
            s.parameters.particles = 130;
            QCOMPARE(analyzeCatalog(s).twoCopiesRetention, 0.0);
        }
        // Against the mechanism itself: glasses whose attempts fall back with probability q or end
        // in one of three minima (probabilities p_j); a one-copy catalog of M attempts per glass,
        // and a direct simulation of two copies, where a copy's minimum counts only in an attempt
        // in which the other copy fell back. The prediction from the one-copy catalog's find
        // counts must give the two-copy yield.
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> u(0.0, 1.0);
        const double qs[3] = {0.4, 0.6, 0.8}, ps[3] = {0.05, 0.01, 0.002};
        const int glasses = 3000, M = 100;
        auto outcome = [&](double q) { // -1: back in the start, 0..2: a minimum, 3: elsewhere
            const double x = u(rng);
            if (x < q) return -1;
            double c = q;
            for (int j = 0; j < 3; ++j)
                if (x < (c += ps[j])) return j;
            return 3;
        };
        SessionData one = syntheticCatalog("one.tls.h5", glasses, M, [](int) { return 0; });
        for (int g = 0; g < glasses; ++g) {
            int found[4] = {0, 0, 0, 0};
            for (int a = 0; a < M; ++a) {
                const int o = outcome(qs[g % 3]);
                if (o < 0) ++one.summaries[static_cast<std::size_t>(g)].returnedToStart;
                else ++found[o];
            }
            for (int j = 0; j < 3; ++j)
                if (found[j]) addDwp(one, g, found[j]);
        }
        const CatalogAnalysis a = analyzeCatalog(one);
        long twoCopyDwps = 0;
        std::uniform_int_distribution<int> pick(0, 2);
        for (int g = 0; g < glasses; ++g) { // g's copy A beside a random glass as copy B
            const double qA = qs[g % 3], qB = qs[pick(rng)];
            bool foundA[3] = {false, false, false}, foundB[3] = {false, false, false};
            for (int t = 0; t < M; ++t) {
                const int oA = outcome(qA), oB = outcome(qB);
                if (oB < 0 && oA >= 0 && oA < 3) foundA[oA] = true;
                if (oA < 0 && oB >= 0 && oB < 3) foundB[oB] = true;
            }
            for (int j = 0; j < 3; ++j) twoCopyDwps += foundA[j] + foundB[j];
        }
        const double perCopy = twoCopyDwps / (2.0 * glasses), single = a.doubleWellsPerStart;
        const double predicted = a.twoCopiesRetention * single;
        qInfo("one copy %.4f DWPs per glass, two copies %.6f per copy, predicted %.6f (retention %.4f)", single, perCopy,
              predicted, a.twoCopiesRetention);
        QVERIFY(a.twoCopiesRetention < 0.9);                    // the mechanism bites at these p_j
        QVERIFY(std::abs(perCopy - predicted) < 0.03 * predicted); // ~1 % statistical error
    }

    void pooledSessionsAreOneCatalog() {
        // Two runs of one system: starts renumbered one after the other, counts added.
        auto run = [&](const std::string& path, int starts, int dwps, int returned) {
            SessionData s = syntheticCatalog(path, starts, 10, [returned](int) { return returned; });
            for (int k = 0; k < starts; ++k) {
                FoundMinimum m;
                m.start = k, m.id = 0, m.findCount = 2;
                s.minima.push_back(m);
            }
            for (int k = 0; k < dwps; ++k) addDwp(s, k % starts, 2);
            return s;
        };
        const SessionData a = run("a.tls.h5", 3, 2, 4), b = run("b.tls.h5", 2, 3, 9);
        const SessionData p = poolSessions({a, b});
        QCOMPARE(p.parameters.starts, 5);
        QVERIFY(p.complete());
        QCOMPARE(p.starts.size(), std::size_t(5));
        for (int k = 0; k < 5; ++k) {
            QCOMPARE(p.starts[static_cast<std::size_t>(k)].start, k);
            QCOMPARE(p.summaries[static_cast<std::size_t>(k)].start, k);
        }
        QCOMPARE(p.minima[3].start, 3);
        QCOMPARE(p.doubleWells.size(), std::size_t(5));
        QCOMPARE(p.doubleWells[2].start, 3); // b's start 0
        QCOMPARE(p.doubleWells[4].start, 3); // b's start 0 again (k % 2)
        const CatalogAnalysis c = analyzeCatalog(p);
        QCOMPARE(c.startsFinished, 5);
        QCOMPARE(c.doubleWells, 5L);
        QCOMPARE(c.doubleWellsPerStart, 1.0);
        QVERIFY(std::abs(c.returnFraction - (3 * 4 + 2 * 9) / 50.0) < 1e-15);
        // Retention with find count 2 over return fractions 0.4 (x3) and 0.9 (x2).
        QVERIFY(std::abs(c.twoCopiesRetention - (3 * (1 - 0.36) + 2 * (1 - 0.01)) / 5) < 1e-12);
        // Different systems are refused, naming both files.
        SessionData other = run("c.tls.h5", 1, 1, 1);
        other.parameters.attempts = a.parameters.attempts * 2;
        try {
            (void)poolSessions({a, other});
            QFAIL("sessions with different M were pooled");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("c.tls.h5") && QString(e.what()).contains("a.tls.h5"), e.what());
        }
        other = run("d.tls.h5", 1, 1, 1);
        other.exploration.emplace();
        QVERIFY_THROWS_EXCEPTION(InputError, poolSessions({a, other}));
    }

    void analysisMatchesHandCounts() {
        // Three synthetic DWPs in two starts with known profiles: the paper's quantities by hand.
        SessionData s;
        s.parameters = small(1);
        s.parameters.starts = 2;
        for (int k = 0; k < 2; ++k) {
            StartingStructure st;
            st.start = k;
            s.starts.push_back(st);
            StartSummary sum;
            sum.start = k;
            sum.attempts = 10;
            s.summaries.push_back(sum);
        }
        auto dwp = [&](int start, int species, int central, double asym, double d, std::vector<double> profile) {
            DwpRecord r;
            r.start = start;
            r.dwp.centralSpecies = species, r.dwp.centralParticle = central, r.dwp.asymmetry = asym, r.dwp.d = d;
            r.dwp.sortedProfile = profile;
            double s2 = 0, s1 = 0, s4 = 0;
            for (double x : profile) s1 += x, s2 += x * x, s4 += x * x * x * x;
            r.dwp.pr2 = s2 / (profile[0] * profile[0]);
            r.dwp.pr3 = s1 / profile[0];
            r.dwp.pr4 = s2 * s2 / s4;
            s.doubleWells.push_back(r);
            s.doubleWellStartFinished.push_back(true);
        };
        dwp(0, 1, 7, 0.01, 0.32, {0.3, 0.1, 0.1});
        dwp(0, 1, 7, 0.0005, 0.12, {0.1, 0.1});
        dwp(1, 0, 3, 0.3, 0.5, {0.4, 0.2, 0.2, 0.2});
        const CatalogAnalysis a = analyzeCatalog(s);
        QCOMPARE(a.doubleWells, 3L);
        QCOMPARE(a.doubleWellsPerStart, 1.5);
        QCOMPARE(a.centralBFraction, 2.0 / 3.0);
        // PR1 = 1 / mean(dmax^2 / sum d^2): fractions 0.09/0.11, 0.01/0.02, 0.16/0.28.
        const double f = (0.09 / 0.11 + 0.5 + 0.16 / 0.28) / 3.0;
        QVERIFY(std::abs(a.all.pr1 - 1.0 / f) < 1e-12);
        QVERIFY(std::abs(a.all.pr2 - (0.11 / 0.09 + 2.0 + 0.28 / 0.16) / 3.0) < 1e-12);
        QVERIFY(std::abs(a.centralB.pr3 - ((0.5 / 0.3) + 2.0) / 2.0) < 1e-12);
        QCOMPARE(a.centralA.count, 1L);
        QCOMPARE(a.asymBelow002, 2L);
        QCOMPARE(a.asymBelow0001, 1L);
        QCOMPARE(a.particlesPerAsymBelow002, 65.0);
        QCOMPARE(a.fig1.counts[6], 1L); // d = 0.32 in [0.30, 0.35)
        QCOMPARE(a.fig1.counts[2], 1L); // d = 0.12 in [0.10, 0.15)
        QCOMPARE(a.sameCentralCandidates, 1L); // start 0: two DWPs, both central B
        QCOMPARE(a.sameCentral, 1L);
        QCOMPARE(a.sameCentralRandom, 1.0 / 13.0);
        QCOMPARE(a.fig6B[0], 0.2);
        QCOMPARE(a.fig6A[1], 0.2);
        QVERIFY(toJson(a).find("\"dwps_per_start\": 1.5") != std::string::npos);
    }

    void paperFiguresAndSpatialTestMatchHandValues() {
        // Ten starts of four particles, five DWPs: Figs. 3, 4, 7 and the spatial test by hand.
        SessionData s;
        s.parameters = small(1);
        s.parameters.particles = 4;
        s.parameters.starts = 10;
        const double L = s.parameters.model.boxLengthFor(4);
        Eigen::VectorXd x(12);
        x << 0, 0, 0, 0.5, 0, 0, 0, 0.5, 0, 0, 0, 1.3; // particle 3 is 0.19 from particle 0 through the boundary
        for (int k = 0; k < 10; ++k) {
            StartingStructure st;
            st.start = k;
            st.energy = 4 * (-5.0 + 0.1 * k); // E/N from -5 to -4.1: two bins of five starts
            st.positions = x;
            st.species = {0, 1, 0, 1};
            s.starts.push_back(st);
            StartSummary sum;
            sum.start = k;
            s.summaries.push_back(sum);
        }
        auto dwp = [&](int start, int central, double asym, double dmwrp, double barrier, double d, double pr2) {
            DwpRecord r;
            r.start = start;
            r.dwp.centralParticle = central, r.dwp.centralSpecies = central % 2;
            r.dwp.asymmetry = asym, r.dwp.dMassWeightedReactionPath = dmwrp, r.dwp.barrier = barrier, r.dwp.d = d, r.dwp.pr2 = pr2;
            r.dwp.sortedProfile = {0.1};
            s.doubleWells.push_back(r);
            s.doubleWellStartFinished.push_back(true);
        };
        dwp(0, 1, 0.1, 0.3, 0.2, 0.05, 2.0);
        dwp(0, 1, 0.3, 0.5, 0.4, 0.15, 3.0); // same central particle as the first: counted once
        dwp(0, 3, 0.2, 0.1, 0.3, 0.12, 5.0);
        dwp(1, 2, 0.4, 0.7, 0.1, 0.25, 4.0);
        dwp(7, 0, 0.05, 0.9, 0.5, 0.35, 6.0);
        const CatalogAnalysis a = analyzeCatalog(s);

        QCOMPARE(a.byStartEnergy.size(), std::size_t(2));
        const StartEnergyBin &low = a.byStartEnergy[0], &high = a.byStartEnergy[1];
        QCOMPARE(low.starts, 5);
        QCOMPARE(high.starts, 5);
        QCOMPARE(low.doubleWells, 4L);
        QCOMPARE(high.doubleWells, 1L);
        QVERIFY(std::abs(low.low + 5.0) < 1e-12 && std::abs(high.high + 4.1) < 1e-12);
        // Asymmetries 0.1, 0.3, 0.2, 0.4: mean 0.25, sd sqrt(0.05 / 3), error sd / 2.
        QVERIFY(std::abs(low.asymmetry.mean - 0.25) < 1e-12);
        QVERIFY(std::abs(low.asymmetry.error - std::sqrt(0.05 / 3) / 2) < 1e-12);
        QVERIFY(std::abs(low.distance.mean - 0.4) < 1e-12);
        QVERIFY(std::abs(low.barrier.mean - 0.25) < 1e-12);
        QCOMPARE(high.barrier.count, 1L);
        QCOMPARE(high.barrier.error, 0.0);
        QCOMPARE(a.fig4Distances, (std::vector<double>{0.2, 0.4, 0.6, 0.8}));
        QCOMPARE(low.doubleWellsBelow, (std::vector<long>{1, 2, 3, 4}));
        QCOMPARE(high.doubleWellsBelow, (std::vector<long>{0, 0, 0, 0}));

        // Fig. 7: d bins [0, 0.1) {2}, [0.1, 0.2) {3, 5}, [0.2, 0.3) {4}, [0.3, 0.4) {6}.
        QCOMPARE(a.fig7.size(), std::size_t(4));
        QCOMPARE(a.fig7[1].participation.count, 2L);
        QVERIFY(std::abs(a.fig7[1].participation.mean - 4.0) < 1e-12);
        QVERIFY(std::abs(a.fig7[1].participation.error - 1.0) < 1e-12);
        QVERIFY(std::abs(a.fig7[3].low - 0.3) < 1e-12);

        // Spatial: only start 0 has two distinct central particles (1 and 3).
        QCOMPARE(a.spatialStarts, 1L);
        QCOMPARE(a.spatialPairs, 1L);
        const double dz = L - 1.3;
        const double d13 = std::sqrt(0.25 + dz * dz), d12 = std::sqrt(0.5);
        QVERIFY(std::abs(a.centralDistance.mean - d13) < 1e-12);
        const double random = (0.5 + 0.5 + dz + d12 + d13 + d13) / 6.0; // all six pairs, minimum image
        QVERIFY(std::abs(a.randomDistance - random) < 1e-12);
        QVERIFY(std::abs(a.randomSameSpeciesDistance - d13) < 1e-12); // the only B-B pair
        QVERIFY(std::abs(a.centralMinusRandom.mean - (d13 - random)) < 1e-12);
        QVERIFY(toJson(a).find("\"spatial\": {\"starts\": 1, \"pairs\": 1") != std::string::npos);
        QVERIFY(toCsv(a).find("fig4_d_below_0.4,") != std::string::npos);
        QVERIFY(formatReport(a).find("Spatial test") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestSearch)
#include "test_search.moc"
