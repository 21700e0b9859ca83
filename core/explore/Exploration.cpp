#include "core/explore/Exploration.h"

#include "core/common/Error.h"
#include "core/tls/Displacement.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace tlscope {

void ExploreParameters::validate() const {
    model.validate();
    walk.validate();
    if (!(sameDistance > 0.0) || !(sameEnergy > 0.0)) throw InputError("invalid exploration parameter: the same-minimum tolerances must be > 0");
    if (!(pairAsymmetry >= 0.0) || !std::isfinite(pairAsymmetry)) throw InputError("invalid exploration parameter: --pair-asymmetry must be >= 0");
    if (!(ircStep > 0.0)) throw InputError("invalid exploration parameter: --irc-step must be > 0");
}

std::string ExploreParameters::serialize() const {
    std::ostringstream o;
    o.precision(17);
    o << "t_explore = " << walk.temperature << "\n"
      << "quench_every = " << walk.quenchEvery << "\n"
      << "steps = " << walk.steps << "\n"
      << "time_step = " << walk.timeStep << "\n"
      << "friction = " << walk.friction << "\n"
      << "seed = " << walk.seed << "\n"
      << "minimizer = " << minimizerName(walk.minimizer) << "\n"
      << "minimizer_tolerance = " << walk.minimizerTolerance << "\n"
      << "same_distance = " << sameDistance << "\n"
      << "same_energy = " << sameEnergy << "\n"
      << "pair_asymmetry = " << pairAsymmetry << "\n"
      << "saddle_method = " << saddleMethodName(saddleMethod) << "\n"
      << "irc_step = " << ircStep << "\n"
      << "minimum_barrier = " << minimumBarrier << "\n"
      << "hbar = " << model.units.hbar() << "\n"
      << "tls_threshold = " << model.tlsThreshold << "\n"
      << "glass_t_f = " << glassFictiveTemperature << "\n";
    return o.str();
}

int ExplorationResult::doubleWells() const {
    return static_cast<int>(std::count_if(pairs.begin(), pairs.end(), [](const PairAnalysis& a) { return a.accepted; }));
}

int ExplorationResult::tls() const {
    return static_cast<int>(std::count_if(pairs.begin(), pairs.end(), [](const PairAnalysis& a) { return a.accepted && a.dwp.isTls; }));
}

std::vector<std::pair<int, int>> candidatePairs(const MetabasinWalk& w, double pairAsymmetry, std::vector<bool>* successive) {
    std::vector<std::pair<int, int>> pairs = w.transitionPairs();
    if (successive) successive->assign(pairs.size(), true);
    if (pairAsymmetry > 0.0) {
        std::set<std::pair<int, int>> have(pairs.begin(), pairs.end());
        for (int a = 0; a < static_cast<int>(w.minima.size()); ++a)
            for (int b = a + 1; b < static_cast<int>(w.minima.size()); ++b)
                if (!have.count({a, b}) && std::abs(w.minima[static_cast<std::size_t>(a)].energy - w.minima[static_cast<std::size_t>(b)].energy) < pairAsymmetry) {
                    pairs.emplace_back(a, b);
                    if (successive) successive->push_back(false);
                }
    }
    return pairs;
}

ExplorationResult exploreGlass(const Configuration& glass, const ExploreParameters& p, const ExploreHooks& hooks) {
    p.validate();
    glass.validateAgainst(p.model, "exploration glass");
    ExplorationResult r;
    const Eigen::VectorXd massCoord = glass.massVector(p.model);
    const Eigen::VectorXd mass = relativeMasses(p.model, glass.species);
    const double L = glass.boxLength;
    {
        PairPotential pot(p.model, glass);
        const SameMinimum same = [&](const Eigen::VectorXd& a, double ea, const Eigen::VectorXd& b, double eb) {
            return sameMinimum(a, ea, b, eb, L, mass, p.sameDistance, p.sameEnergy);
        };
        r.walk = walkMetabasin(pot, massCoord, glass.positions, p.walk, same, hooks.walk);
    }
    if (r.walk.stopped) {
        r.stopped = true;
        return r;
    }
    if (hooks.walked) hooks.walked(r.walk);
    std::vector<bool> successive;
    const auto candidates = candidatePairs(r.walk, p.pairAsymmetry, &successive);
    r.pairs.resize(candidates.size());
    DoubleWellOptions dw;
    dw.method = p.saddleMethod;
    dw.hbar = p.model.units.hbar();
    dw.tlsThreshold = p.model.tlsThreshold;
    dw.path.step = p.ircStep;
    dw.minimumBarrier = p.minimumBarrier;
    dw.stop = hooks.walk.stop;
    // Pairs on worker threads (one potential each), reported in candidate order.
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::max(1, std::min<int>(p.threads > 0 ? p.threads : hw, static_cast<int>(candidates.size())));
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::vector<bool> done(candidates.size(), false);
    std::size_t reported = 0;
    std::vector<std::string> errors;
    auto work = [&] {
        PairPotential pot(p.model, glass);
        for (std::size_t k; (k = next++) < candidates.size();) {
            PairAnalysis a;
            a.first = candidates[k].first, a.second = candidates[k].second, a.successive = successive[k];
            try {
                const DoubleWellAnalysis d = analyzeDoubleWell(pot, r.walk.minima[static_cast<std::size_t>(a.first)].positions,
                                                               r.walk.minima[static_cast<std::size_t>(a.second)].positions, dw);
                a.accepted = d.accepted;
                a.reason = d.reason;
                a.dwp = d.dwp;
            } catch (const std::exception& e) { // a worker thread must not throw
                a.reason = std::string("the analysis failed: ") + e.what();
            }
            std::lock_guard lock(mutex);
            r.pairs[k] = std::move(a);
            done[k] = true;
            while (reported < candidates.size() && done[reported]) {
                if (hooks.analysed) hooks.analysed(r.pairs[reported], reported, candidates.size());
                ++reported;
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    r.stopped = hooks.walk.stop && hooks.walk.stop->load();
    return r;
}

} // namespace tlscope
