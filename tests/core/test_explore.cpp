// The metabasin exploration: the IS bookkeeping on a hand-made two-minimum landscape (every
// quench's IS predicted from the side of the barrier it started on), reproducibility, and a
// real glass explored, its transition pairs analysed and stored in a session file.
#include "TestSystems.h"
#include "core/analysis/Stability.h"
#include "core/common/Error.h"
#include "core/dynamics/Random.h"
#include "core/explore/Exploration.h"
#include "core/io/SessionFile.h"
#include "core/io/WalkCheckpoint.h"
#include "core/potential/PairPotential.h"
#include "core/tls/Displacement.h"

#include <QTemporaryDir>

#include <algorithm>
#include <cmath>

using namespace tlscope;

namespace {

/// V(x, y) = a (x^2 - 1)^2 + y^2 / 2: two minima at (+-1, 0) with E = 0, a barrier a at x = 0,
/// and the basin boundary of any descent exactly on x = 0 (V is symmetric in x).
class TwoWells final : public EnergySurface {
public:
    explicit TwoWells(double a) : a_(a) {}
    Eigen::Index dimension() const override { return 2; }
    double energyAndForce(const Eigen::VectorXd& p, Eigen::VectorXd& f) override {
        const double x = p[0], y = p[1], u = x * x - 1.0;
        f.resize(2);
        f[0] = -4.0 * a_ * x * u;
        f[1] = -y;
        return a_ * u * u + 0.5 * y * y;
    }
    Eigen::MatrixXd hessian(const Eigen::VectorXd& p) override {
        Eigen::MatrixXd h = Eigen::MatrixXd::Zero(2, 2);
        h(0, 0) = a_ * (12.0 * p[0] * p[0] - 4.0);
        h(1, 1) = 1.0;
        return h;
    }

private:
    double a_;
};

MetabasinWalk walkTwoWells(std::uint64_t seed, std::vector<double>* startX = nullptr) {
    TwoWells surface(0.25);
    WalkParameters p;
    p.temperature = 0.2; // barrier / T = 1.25: a crossing every ~15 time units
    p.quenchEvery = 50;
    p.steps = 50 * 400;
    p.seed = seed;
    WalkHooks hooks;
    if (startX) hooks.beforeQuench = [&](const Eigen::VectorXd& x) { startX->push_back(x[0]); };
    const SameMinimum same = [](const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb) {
        return std::abs(ea - eb) < 1e-7 && (a - b).norm() < 1e-3;
    };
    return walkMetabasin(surface, Eigen::VectorXd::Ones(2), Eigen::Vector2d(0.9, 0.2), p, same, hooks);
}

} // namespace

class TestExplore : public QObject {
    Q_OBJECT
private slots:
    void twoWellBookkeepingIsExact() {
        std::vector<double> x;
        const MetabasinWalk w = walkTwoWells(3, &x);
        QCOMPARE(w.minima.size(), std::size_t(2)); // exactly the two wells, found again and again
        QCOMPARE(w.sequence.size(), x.size() + 1);  // the start, then one per quench
        for (const VisitedMinimum& m : w.minima) {
            QVERIFY(std::abs(m.energy) < 1e-12);
            QVERIFY(std::abs(std::abs(m.positions[0]) - 1.0) < 1e-5 && std::abs(m.positions[1]) < 1e-5);
        }
        QVERIFY(w.minima[0].positions[0] > 0); // the start at x = 0.9 quenches to (+1, 0)
        // Each quench lands in the well on whose side of x = 0 it started (away from the ridge).
        int checked = 0;
        for (std::size_t k = 0; k < x.size(); ++k) {
            if (std::abs(x[k]) < 0.05) continue;
            const int expected = (x[k] > 0) == (w.minima[0].positions[0] > 0) ? 0 : 1;
            QCOMPARE(w.sequence[k + 1], expected);
            ++checked;
        }
        QVERIFY(checked > 350);
        // Transitions: every change of well in the sequence, counted by direction.
        int forward = 0, backward = 0;
        for (std::size_t k = 1; k < w.sequence.size(); ++k) {
            if (w.sequence[k - 1] == 0 && w.sequence[k] == 1) ++forward;
            if (w.sequence[k - 1] == 1 && w.sequence[k] == 0) ++backward;
        }
        QVERIFY2(forward >= 5, "too few barrier crossings for the test to mean anything");
        QCOMPARE(w.transitions.at({0, 1}), forward);
        QCOMPARE(w.transitions.at({1, 0}), backward);
        QCOMPARE(std::abs(forward - backward) <= 1, true);
        QCOMPARE(w.transitions.size(), std::size_t(2));
        QCOMPARE(w.transitionPairs(), (std::vector<std::pair<int, int>>{{0, 1}}));
        QCOMPARE(w.minima[0].visits + w.minima[1].visits, int(w.sequence.size()));
    }

    void sameSeedSameWalk() {
        const MetabasinWalk a = walkTwoWells(5), b = walkTwoWells(5), c = walkTwoWells(6);
        QCOMPARE(a.sequence, b.sequence);
        QVERIFY(a.sequence != c.sequence);
    }

    /// A walk continued from a checkpoint taken at a quench boundary (through the file, on a
    /// fresh potential whose neighbour list has no history) ends exactly as the uninterrupted
    /// walk: same IS sequence, same minima to the last bit. Damaged or foreign checkpoints are
    /// refused with the reason.
    void walkResumesBitForBitFromACheckpoint() {
        const Configuration c = test::liquid(300, 0.5, 3, 2.0);
        const Model m = Model::preset("ka-rh");
        const Eigen::VectorXd massCoord = c.massVector(m), mass = relativeMasses(m, c.species);
        const SameMinimum same = [&](const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb) {
            return sameMinimum(a, ea, b, eb, c.boxLength, mass, 1e-3, 1e-7);
        };
        WalkParameters p;
        p.temperature = 0.3;
        p.quenchEvery = 20;
        p.steps = 600;
        p.seed = 9;
        std::vector<WalkCheckpoint> boundaries;
        WalkHooks hooks;
        hooks.boundary = [&](const MetabasinWalk& w, const MdState& md, const RandomStream::State& rng) {
            boundaries.push_back({w, md, rng, md.step});
        };
        PairPotential pot(m, c.species, c.boxLength, NeighbourMethod::VerletList);
        const MetabasinWalk full = walkMetabasin(pot, massCoord, c.positions, p, same, hooks);
        QVERIFY(pot.usesNeighbourList());
        QCOMPARE(boundaries.size(), std::size_t(31));
        QVERIFY2(full.minima.size() >= 4, "the walk found too few IS for the test");
        QTemporaryDir dir;
        const std::string file = dir.filePath("w.walk").toStdString();
        writeWalkCheckpoint(file, boundaries[11], "id 1");
        const WalkCheckpoint cp = readWalkCheckpoint(file, "id 1", c.positions.size());
        QCOMPARE(cp.step, 220L);
        QCOMPARE(cp.walk.sequence, boundaries[11].walk.sequence);
        PairPotential fresh(m, c.species, c.boxLength, NeighbourMethod::VerletList);
        const MetabasinWalk resumed = walkMetabasin(fresh, massCoord, c.positions, p, same, {}, &cp);
        QCOMPARE(resumed.sequence, full.sequence);
        QCOMPARE(resumed.sequenceStep, full.sequenceStep);
        QCOMPARE(resumed.transitions, full.transitions);
        QCOMPARE(resumed.minima.size(), full.minima.size());
        for (std::size_t k = 0; k < full.minima.size(); ++k) {
            QCOMPARE(resumed.minima[k].energy, full.minima[k].energy);
            QVERIFY(resumed.minima[k].positions == full.minima[k].positions);
            QCOMPARE(resumed.minima[k].visits, full.minima[k].visits);
        }
        // Another exploration's checkpoint, a flipped byte, a truncated file.
        QVERIFY_THROWS_EXCEPTION(InputError, readWalkCheckpoint(file, "id 2", c.positions.size()));
        QVERIFY_THROWS_EXCEPTION(InputError, readWalkCheckpoint(file, "id 1", c.positions.size() + 3));
        QFile f(QString::fromStdString(file));
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray bytes = f.readAll();
        bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x10);
        f.seek(0);
        f.write(bytes);
        f.close();
        try {
            readWalkCheckpoint(file, "id 1", c.positions.size());
            QFAIL("a damaged checkpoint was read");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("checksum") != std::string::npos, e.what());
        }
        QVERIFY(f.resize(bytes.size() / 3));
        QVERIFY_THROWS_EXCEPTION(InputError, readWalkCheckpoint(file, "id 1", c.positions.size()));
    }

    void impossibleParametersAreRefused() {
        WalkParameters p;
        p.quenchEvery = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, p.validate());
        p = WalkParameters{};
        p.temperature = -1;
        QVERIFY_THROWS_EXCEPTION(InputError, p.validate());
        p = WalkParameters{};
        p.steps = 10;
        p.quenchEvery = 100;
        QVERIFY_THROWS_EXCEPTION(InputError, p.validate());
    }

    /// A KA-RH glass of 65: the walk finds several IS; every pair seen in succession is analysed
    /// (the same for 1 and 2 threads); each DWP joins exactly the two IS of its pair, with their
    /// energies, a verified saddle of index 1 and the model's TLS rule; the session keeps it all.
    void glassExplorationAndItsSession() {
        const Configuration glass = test::demoGlass();
        ExploreParameters p;
        p.model = Model::preset("ka-rh");
        p.walk.temperature = 0.25;
        p.walk.quenchEvery = 100;
        p.walk.steps = 15000;
        p.walk.seed = 1;
        p.threads = 1;
        const ExplorationResult one = exploreGlass(glass, p);
        p.threads = 2;
        const ExplorationResult two = exploreGlass(glass, p);
        QVERIFY2(one.walk.minima.size() >= 3, "the walk found too few IS for the test");
        QCOMPARE(one.pairs.size(), one.walk.transitionPairs().size());
        QCOMPARE(two.pairs.size(), one.pairs.size());
        QVERIFY(one.doubleWells() > 0);
        const Eigen::VectorXd mass = relativeMasses(p.model, glass.species);
        for (std::size_t k = 0; k < one.pairs.size(); ++k) {
            const PairAnalysis &a = one.pairs[k], &b = two.pairs[k];
            QCOMPARE(a.accepted, b.accepted);
            QCOMPARE(a.reason, b.reason);
            if (!a.accepted) {
                QVERIFY(!a.reason.empty());
                continue;
            }
            QCOMPARE(a.dwp.eSaddle, b.dwp.eSaddle);
            QCOMPARE(a.dwp.saddleIndex, 1);
            const auto& m1 = one.walk.minima[std::size_t(a.first)];
            const auto& m2 = one.walk.minima[std::size_t(a.second)];
            QVERIFY(std::abs(a.dwp.e1 - m1.energy) < 1e-7 && std::abs(a.dwp.e2 - m2.energy) < 1e-7);
            QVERIFY(std::abs(a.dwp.asymmetry - std::abs(m1.energy - m2.energy)) < 1e-7);
            QCOMPARE(a.dwp.isTls, a.dwp.quantum.splitting < p.model.tlsThreshold);
        }
        // Through a session file: the walk and the pairs of its DWPs come back.
        QTemporaryDir dir;
        const std::string path = dir.filePath("ex.tls.h5").toStdString();
        {
            SearchParameters sp;
            sp.model = p.model;
            sp.particles = glass.size();
            sp.starts = 1;
            SessionWriter w(path, sp, p.serialize());
            w.writeExploration(one.walk);
            for (std::size_t k = 0; k < one.pairs.size(); ++k) {
                if (one.pairs[k].accepted) {
                    DwpRecord r;
                    r.start = 0, r.minimum = int(k), r.species = glass.species, r.dwp = one.pairs[k].dwp;
                    w.onExplorationDoubleWell(r, one.pairs[k].first, one.pairs[k].second);
                }
                w.onExplorationPair(one.pairs[k]);
            }
        }
        const SessionData s = readSession(path);
        QVERIFY(s.exploration->walkComplete);
        QCOMPARE(s.exploration->pairs.size(), one.pairs.size());
        for (std::size_t k = 0; k < one.pairs.size(); ++k) {
            QCOMPARE(s.exploration->pairs[k].first, one.pairs[k].first);
            QCOMPARE(s.exploration->pairs[k].second, one.pairs[k].second);
            QCOMPARE(s.exploration->pairs[k].accepted, one.pairs[k].accepted);
            QCOMPARE(s.exploration->pairs[k].successive, one.pairs[k].successive);
            QCOMPARE(s.exploration->pairs[k].reason, one.pairs[k].reason.substr(0, 239));
        }
        // Resuming the analyses from the stored verdicts: the remaining pairs give the same result.
        ExploreResume from;
        from.finishedWalk = s.exploration->walk;
        from.analysed.assign(one.pairs.begin(), one.pairs.begin() + std::ptrdiff_t(one.pairs.size() / 2));
        std::size_t reported = 0;
        ExploreHooks counting;
        counting.analysed = [&](const PairAnalysis&, std::size_t index, std::size_t) {
            QVERIFY(index >= from.analysed.size());
            ++reported;
        };
        const ExplorationResult rest = exploreGlass(glass, p, counting, &from);
        QCOMPARE(reported, one.pairs.size() - from.analysed.size());
        QCOMPARE(rest.doubleWells(), one.doubleWells());
        for (std::size_t k = 0; k < one.pairs.size(); ++k) QCOMPARE(rest.pairs[k].reason, one.pairs[k].reason);
        QVERIFY(s.exploration.has_value());
        QCOMPARE(s.exploration->walk.sequence, one.walk.sequence);
        QCOMPARE(s.exploration->walk.transitions, one.walk.transitions);
        QCOMPARE(s.exploration->walk.minima.size(), one.walk.minima.size());
        QVERIFY(s.exploration->walk.minima.back().positions == one.walk.minima.back().positions);
        QCOMPARE(int(s.doubleWells.size()), one.doubleWells());
        QCOMPARE(s.exploration->dwpPairs.size(), s.doubleWells.size());
        std::size_t j = 0;
        for (const PairAnalysis& a : one.pairs)
            if (a.accepted) {
                QCOMPARE(s.exploration->dwpPairs[j], std::make_pair(a.first, a.second));
                QCOMPARE(s.doubleWells[j].dwp.e1, a.dwp.e1);
                ++j;
            }
        QVERIFY(s.exploration->parameters.find("t_explore = 0.25") != std::string::npos);
    }

    /// analyze's exploration numbers on hand-made sessions: counts, densities (per particle, per
    /// m^3, per J per m^3 computed here by hand), saturation, and the grouping by T_f.
    void stabilityAnalysisOfHandMadeSessions() {
        auto session = [](const std::string& tf, std::vector<double> eqs, double isEnergy) {
            SessionData s;
            s.parameters.model = Model::preset("soft-spheres");
            s.parameters.particles = 1000; // box 10 sigma at density 1: 1000 sigma^3
            s.exploration = SessionData::Exploration{};
            s.exploration->parameters = "t_explore = 0.04\nglass_t_f = " + tf + "\n";
            MetabasinWalk& w = s.exploration->walk;
            w.minima.resize(3);
            w.minima[0].energy = isEnergy * 1000, w.minima[0].firstStep = 0;
            w.minima[1].firstStep = 100, w.minima[2].firstStep = 900;
            w.sequence = {0, 1, 0, 2};
            w.sequenceStep = {0, 100, 500, 1000};
            w.transitions = {{{0, 1}, 1}, {{1, 0}, 1}, {{0, 2}, 1}};
            for (double e : eqs) {
                DwpRecord r;
                r.dwp.quantum.splitting = e;
                s.doubleWells.push_back(r);
            }
            return s;
        };
        const ExplorationSummary a = summarizeExploration(session("0.07", {0.001, 0.0014, 0.002, 0.01}, 0.19));
        QCOMPARE(a.doubleWells, 4L);
        QCOMPARE(a.tls, 2L); // E_qs < 0.00151
        QCOMPARE(a.quenches, 4L);
        QCOMPARE(a.distinctMinima, 3L);
        QCOMPARE(a.transitions, 3L);
        QCOMPARE(a.transitionPairs, 2L);
        QCOMPARE(a.newMinimaSecondHalf, 1L); // IS 2, first seen at step 900 > 1000 / 2
        QCOMPARE(a.fictiveTemperature, std::string("0.07"));
        QCOMPARE(a.tlsPerParticle, 0.002);
        // 1000 sigma^3 with sigma = 3.405 A; the threshold 0.00151 x 119.8 K x k_B.
        const double volume = 1000 * std::pow(3.405e-10, 3), joule = 0.00151 * 119.8 * 1.380649e-23;
        QVERIFY(std::abs(a.tlsPerM3 / (2 / volume) - 1) < 1e-9);
        QVERIFY(std::abs(a.tlsPerJouleM3 / (2 / (volume * joule)) - 1) < 1e-9);
        const ExplorationSummary b = summarizeExploration(session("0.07", {0.001}, 0.18));
        const ExplorationSummary c = summarizeExploration(session("0.062", {}, 0.17));
        const auto groups = groupByFictiveTemperature({a, b, c});
        QCOMPARE(groups.size(), std::size_t(2));
        QCOMPARE(groups[0].fictiveTemperature, std::string("0.07"));
        QCOMPARE(groups[0].sessions, 2);
        QCOMPARE(groups[0].tlsPerParticle, 0.0015);                 // (0.002 + 0.001) / 2
        QVERIFY(std::abs(groups[0].tlsError - 0.0005) < 1e-15);     // sd 0.000707 / sqrt(2)
        QVERIFY(std::abs(groups[0].isEnergyPerParticle - 0.185) < 1e-12);
        QCOMPARE(groups[1].tls, 0L);
        QVERIFY(comparisonCsv(groups).find("0.062,1,1000,0,0,") != std::string::npos);
        // Pooled counts with Poisson upper limits: 0 -> -ln 0.05, 1 -> e^-l (1 + l) = 0.05.
        QVERIFY(std::abs(poissonUpperLimit(0) - 2.995732) < 1e-6);
        QVERIFY(std::abs(poissonUpperLimit(1) - 4.743865) < 1e-6);
        QVERIFY(std::abs(poissonUpperLimit(2) - 6.295794) < 1e-6);
        QCOMPARE(groups[0].tls, 3L);
        QCOMPARE(groups[0].tlsPooled, 3.0 / 2000);
        QVERIFY(std::abs(groups[1].tlsUpper95 - 2.995732 / 1000) < 1e-9);
        // Low-E_qs density, window 4 x 0.00151: E_qs 0.001, 0.0014, 0.002 and 0.001 are inside
        // (all in the lower half, < 0.00302), 0.01 is not. n0 = 4 / (2000 x 0.00604); times the
        // threshold: 4 / (2000 x 4) = 0.0005, Poisson error 2 / 8000.
        QCOMPARE(groups[0].windowCount, 4L);
        QCOMPARE(groups[0].windowLowerHalf, 4L);
        QVERIFY(std::abs(groups[0].eqsWindow - 0.00604) < 1e-15);
        QVERIFY(std::abs(groups[0].slope - 4 / (2000 * 0.00604)) < 1e-9);
        QVERIFY(std::abs(groups[0].tlsFromSlope - 0.0005) < 1e-15);
        QVERIFY(std::abs(groups[0].tlsFromSlopeError - 0.00025) < 1e-15);
        QCOMPARE(groups[1].windowCount, 0L);
        QVERIFY(std::abs(groups[1].tlsFromSlopeUpper95 - 2.995732 / 4000) < 1e-9);
        // An explicit window: 0.0012 holds 0.001 twice.
        QCOMPARE(groupByFictiveTemperature({a, b, c}, 0.0012)[0].windowCount, 2L);
        QVERIFY_THROWS_EXCEPTION(InputError, groupByFictiveTemperature({a}, -1.0));
        QVERIFY(formatComparison(groups).find("Low-E_qs density") != std::string::npos);
        // A second walk of glass a (same glass E_IS): the glass counts once. Glass a: TLS per
        // particle (0.002 + 0.003) / 2, window estimate (3 + 3) / 2 / (1000 x 4); glass b: 0.001
        // and 1 / 4000. Means over the two glasses, errors = half their difference.
        const ExplorationSummary d = summarizeExploration(session("0.07", {0.001, 0.0012, 0.0013}, 0.19));
        const StabilityGroup w = groupByFictiveTemperature({a, d, b})[0];
        QCOMPARE(w.sessions, 3);
        QCOMPARE(w.glasses, 2);
        QVERIFY(std::abs(w.tlsPerParticle - 0.00175) < 1e-15);
        QVERIFY(std::abs(w.tlsError - 0.00075) < 1e-15);
        QVERIFY(std::abs(w.isEnergyPerParticle - 0.185) < 1e-12);
        QVERIFY(std::abs(w.tlsFromSlope - 7.0 / 12000) < 1e-15); // pooled: 7 in the window, 3000 particles
        QVERIFY(std::abs(w.tlsFromSlopeGlassError - 0.00025) < 1e-15);
        QVERIFY(w.glassTls.size() == 2 && std::abs(w.glassTls[0] - 0.0025) < 1e-15 && std::abs(w.glassTls[1] - 0.001) < 1e-15);
        QVERIFY(w.glassTlsFromSlope.size() == 2 && std::abs(w.glassTlsFromSlope[0] - 0.00075) < 1e-15 &&
                std::abs(w.glassTlsFromSlope[1] - 0.00025) < 1e-15);
        QCOMPARE(groups[0].glasses, 2);
        QVERIFY(comparisonCsv(groups).find(",0.00604,4,4,") != std::string::npos);
        SessionData search;
        QVERIFY_THROWS_EXCEPTION(InputError, summarizeExploration(search));
    }

    /// The trend over glasses against hand values: least squares on six glasses at three T_f
    /// (slope 1.5, error sqrt(3/4/4)); values rising strictly with T_f are the largest slope of
    /// the 6!/(2!2!2!) = 90 distinct T_f assignments, p = 1/90 exactly, and the seeded shuffles
    /// agree within their binomial error and repeat bit for bit; no dependence gives p = 1.
    void stabilityTrendAgainstHandValues() {
        const std::vector<double> tf{1, 1, 2, 2, 3, 3};
        const StabilityTrend a = stabilityTrend(tf, {1, 2, 2, 4, 4, 5});
        QCOMPARE(a.glasses, 6);
        QCOMPARE(a.temperatures, 3);
        QVERIFY(std::abs(a.slope - 1.5) < 1e-14);
        QVERIFY(std::abs(a.slopeError - std::sqrt(3.0 / 4.0 / 4.0)) < 1e-14);
        QVERIFY(a.exact);
        QCOMPARE(a.permutations, 90L);
        // Independently: S = sum x (y - ym) (S_obs = 6) over all 720 index permutations (each
        // distinct assignment 8 times), counting those with S >= S_obs.
        std::vector<int> order{0, 1, 2, 3, 4, 5};
        const std::vector<double> y{1, 2, 2, 4, 4, 5};
        long atLeast = 0, all = 0;
        do {
            double s = 0.0;
            for (int i = 0; i < 6; ++i) s += tf[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] * (y[static_cast<std::size_t>(i)] - 3.0);
            atLeast += s >= 6.0 - 1e-12 ? 1 : 0, ++all;
        } while (std::next_permutation(order.begin(), order.end()));
        QCOMPARE(all, 720L);
        QCOMPARE(atLeast, 32L); // 4 of the 90 distinct assignments
        QVERIFY(std::abs(a.pValue - 4.0 / 90.0) < 1e-15);

        const StabilityTrend strict = stabilityTrend(tf, {1, 2, 3, 4, 5, 6});
        QVERIFY(std::abs(strict.pValue - 1.0 / 90.0) < 1e-15);
        const StabilityTrend falling = stabilityTrend(tf, {6, 5, 4, 3, 2, 1});
        QVERIFY(falling.slope < 0 && std::abs(falling.pValue - 1.0) < 1e-15); // one-sided: a fall is no rise
        const StabilityTrend shuffled = stabilityTrend(tf, {1, 2, 3, 4, 5, 6}, 100000, 0, 5);
        QVERIFY(!shuffled.exact);
        QCOMPARE(shuffled.permutations, 100000L);
        QVERIFY2(std::abs(shuffled.pValue - 1.0 / 90.0) < 5 * std::sqrt(1.0 / 90 / 100000), qPrintable(QString::number(shuffled.pValue)));
        QCOMPARE(stabilityTrend(tf, {1, 2, 3, 4, 5, 6}, 100000, 0, 5).pValue, shuffled.pValue);
        const StabilityTrend flat = stabilityTrend(tf, {2, 2, 2, 2, 2, 2});
        QVERIFY(flat.slope == 0.0 && flat.pValue == 1.0);
        const StabilityTrend one = stabilityTrend({1, 1, 1}, {1, 2, 3});
        QVERIFY(one.temperatures == 1 && one.slope == 0.0 && one.pValue == 1.0);
        QVERIFY_THROWS_EXCEPTION(InputError, stabilityTrend({1, 2}, {1}));

        // From groups: every glass once, a T_f that is not a number left out.
        std::vector<StabilityGroup> groups(3);
        groups[0].fictiveTemperature = "0.1", groups[0].glassDwp = {0.03, 0.04}, groups[0].glassTls = {1e-4, 0}, groups[0].glassTlsFromSlope = {2e-4, 3e-4};
        groups[1].fictiveTemperature = "0.05", groups[1].glassDwp = {0.01}, groups[1].glassTls = {0}, groups[1].glassTlsFromSlope = {1e-5};
        groups[2].fictiveTemperature = "?", groups[2].glassDwp = {9}, groups[2].glassTls = {9}, groups[2].glassTlsFromSlope = {9};
        const std::vector<StabilityTrend> t = stabilityTrends(groups);
        QCOMPARE(int(t.size()), 3);
        QCOMPARE(t[0].glasses, 3);
        QVERIFY(std::abs(t[0].slope - stabilityTrend({0.1, 0.1, 0.05}, {0.03, 0.04, 0.01}).slope) < 1e-15);
        QVERIFY(std::abs(t[2].slope - stabilityTrend({0.1, 0.1, 0.05}, {2e-4, 3e-4, 1e-5}).slope) < 1e-18);
        QVERIFY(formatComparison(groups).find("Trend with stability") != std::string::npos);
    }

    /// The low-E_qs estimate against a population of known flat density: E_qs uniform on
    /// [0, 0.03] eps, Poisson-distributed in number, so that the true TLS density is known. Over
    /// 400 independent catalogs the estimate is unbiased and its Poisson error covers the truth
    /// in ~68 % of them; the direct count of the same catalogs has an error ~2x larger.
    void lowEqsDensityRecoversAKnownFlatDensity() {
        const double threshold = 0.00151, top = 0.03, meanDwps = 600; // ~30 DWPs in the window
        const int particles = 1500, trials = 400;
        const double truth = meanDwps / top * threshold / particles;    // TLS per particle
        RandomStream rng(42);
        double sum = 0.0, direct = 0.0;
        int covered = 0, halvesAgree = 0;
        for (int t = 0; t < trials; ++t) {
            ExplorationSummary e;
            e.fictiveTemperature = "0.1", e.particles = particles, e.tlsThreshold = threshold;
            // Poisson count by summing exponential gaps over the unit interval.
            int n = 0;
            for (double x = -std::log(1.0 - rng.uniform()); x < meanDwps; x += -std::log(1.0 - rng.uniform())) ++n;
            for (int k = 0; k < n; ++k) e.eqs.push_back(top * rng.uniform());
            std::sort(e.eqs.begin(), e.eqs.end());
            for (double q : e.eqs) e.tls += q < threshold ? 1 : 0;
            const StabilityGroup g = groupByFictiveTemperature({e}).front();
            sum += g.tlsFromSlope;
            direct += double(e.tls) / particles;
            covered += std::abs(g.tlsFromSlope - truth) < g.tlsFromSlopeError ? 1 : 0;
            const long upper = g.windowCount - g.windowLowerHalf;
            halvesAgree += std::abs(double(g.windowLowerHalf - upper)) < 2.0 * std::sqrt(double(g.windowCount)) + 1 ? 1 : 0;
        }
        const double mean = sum / trials, meanError = truth / std::sqrt(meanDwps / top * 4 * threshold) / std::sqrt(double(trials));
        QVERIFY2(std::abs(mean - truth) < 4 * meanError, qPrintable(QString("%1 vs %2 +- %3").arg(mean).arg(truth).arg(meanError)));
        QVERIFY2(covered > 0.58 * trials && covered < 0.78 * trials, qPrintable(QString("covered %1 of %2").arg(covered).arg(trials)));
        QVERIFY(halvesAgree > 0.9 * trials);
        QVERIFY(std::abs(direct / trials - truth) < 8 * meanError); // the direct count agrees, less precisely
        // A density rising linearly from 0 (cumulative ~ E^2): the upper half of the window holds
        // three times the lower, and n0 x threshold overestimates the count below the
        // threshold by W / threshold = 4 on average — the upper estimate the docs describe.
        long lower = 0, inWindow = 0;
        double estimate = 0.0, below = 0.0;
        for (int t = 0; t < 100; ++t) {
            ExplorationSummary e;
            e.fictiveTemperature = "0.1", e.particles = particles, e.tlsThreshold = threshold;
            for (int k = 0; k < 600; ++k) e.eqs.push_back(top * std::sqrt(rng.uniform()));
            std::sort(e.eqs.begin(), e.eqs.end());
            const StabilityGroup g = groupByFictiveTemperature({e}).front();
            lower += g.windowLowerHalf, inWindow += g.windowCount, estimate += g.tlsFromSlope;
            below += 600.0 * (threshold / top) * (threshold / top) / particles; // expected TLS per particle
        }
        QVERIFY2(std::abs(double(inWindow - lower) / double(lower) - 3.0) < 0.6, qPrintable(QString("%1 of %2").arg(lower).arg(inWindow)));
        QVERIFY2(std::abs(estimate / below - 4.0) < 0.5, qPrintable(QString("ratio %1").arg(estimate / below)));
    }
    /// An exploration cut after Q quenches: the shorter walk recounted by hand, and only the
    /// pairs and DWPs that walk would have analysed.
    void truncatedExplorationIsTheShorterWalk() {
        SessionData s;
        s.parameters.model = Model::preset("soft-spheres");
        s.parameters.particles = 1000;
        s.parameters.starts = 1;
        s.exploration = SessionData::Exploration{};
        ExploreParameters run; // the settings as `explore` stores them (only pair asymmetry 0 matters here)
        run.model = s.parameters.model;
        run.walk.temperature = 0.04;
        run.pairAsymmetry = 0.0;
        run.glassFictiveTemperature = "0.07";
        s.exploration->parameters = run.serialize();
        s.exploration->walkComplete = true;
        MetabasinWalk& w = s.exploration->walk;
        w.minima.resize(4);
        for (int k = 0; k < 4; ++k) w.minima[std::size_t(k)].energy = -k;
        w.sequence = {0, 1, 0, 2, 2, 3, 1};
        w.sequenceStep = {0, 10, 20, 30, 40, 50, 60};
        w.transitions = {{{0, 1}, 1}, {{1, 0}, 1}, {{0, 2}, 1}, {{2, 3}, 1}, {{3, 1}, 1}};
        // Candidates of the whole walk: (0,1), (0,2), (2,3), (1,3); DWPs on all but (0,2).
        for (auto [a, b] : {std::pair{0, 1}, std::pair{0, 2}, std::pair{2, 3}, std::pair{1, 3}}) {
            PairAnalysis pa;
            pa.first = a, pa.second = b, pa.accepted = !(a == 0 && b == 2), pa.reason = pa.accepted ? "" : "shoulder";
            s.exploration->pairs.push_back(pa);
            if (!pa.accepted) continue;
            DwpRecord r;
            r.minimum = int(s.exploration->pairs.size()) - 1;
            r.dwp.quantum.splitting = a == 2 ? 0.001 : 0.1;
            s.doubleWells.push_back(r);
            s.exploration->dwpPairs.emplace_back(a, b);
            s.doubleWellStartFinished.push_back(true);
        }
        const ExplorationSummary whole = summarizeExploration(s);
        QCOMPARE(whole.candidatePairs, 4L);
        QCOMPARE(whole.analysedPairs, 4L);
        QCOMPARE(whole.tls, 1L);
        const SessionData cut = truncateExploration(s, 3); // quenches 0..3: IS 0 1 0 2
        QCOMPARE(cut.exploration->walk.sequence, (std::vector<int>{0, 1, 0, 2}));
        QCOMPARE(cut.exploration->walk.minima.size(), std::size_t(3));
        QCOMPARE(cut.exploration->walk.minima[0].visits, 2);
        QCOMPARE(cut.exploration->walk.minima[2].visits, 1);
        const std::map<std::pair<int, int>, int> transitions{{{0, 1}, 1}, {{1, 0}, 1}, {{0, 2}, 1}};
        QCOMPARE(cut.exploration->walk.transitions, transitions);
        QCOMPARE(cut.exploration->pairs.size(), std::size_t(2));
        QCOMPARE(cut.doubleWells.size(), std::size_t(1)); // (0,1); (0,2) was rejected
        QCOMPARE(cut.exploration->dwpPairs[0], std::make_pair(0, 1));
        const ExplorationSummary part = summarizeExploration(cut);
        QCOMPARE(part.candidatePairs, 2L);
        QCOMPARE(part.tls, 0L);
        QCOMPARE(truncateExploration(s, 100).exploration->walk.sequence.size(), std::size_t(7));
        s.exploration->walkComplete = false;
        QVERIFY_THROWS_EXCEPTION(InputError, truncateExploration(s, 3));
    }

    void modelUnitsGiveHbarAndThreshold() {
        // hbar* = hbar / (sigma sqrt(m eps)): PHYSICS.md gives 0.013157 (NiP) and 0.0296 (argon).
        QVERIFY(std::abs(Model::preset("ka-rh").units.hbar() - 0.013157) < 2e-6);
        const Model ss = Model::preset("soft-spheres");
        QVERIFY(std::abs(ss.units.hbar() - 0.0296) < 1e-4);
        QCOMPARE(ss.tlsThreshold, 0.00151);
        const Model back = Model::parse(ss.serialize(), "ss.model");
        QCOMPARE(back.tlsThreshold, 0.00151);
        QCOMPARE(back.units.sigmaAngstrom, 3.405);
    }
};

QTEST_GUILESS_MAIN(TestExplore)
#include "test_explore.moc"
