#include "core/explore/Exploration.h"

#include "core/common/Error.h"
#include "core/tls/Displacement.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace tlscope {

void ExploreParameters::validate() const {
    model.validate();
    model.requireOneCopy("explore");
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
      << "run = " << walk.run << "\n"
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

ExploreParameters ExploreParameters::parse(const std::string& text, const Model& model) {
    std::map<std::string, std::string> kv;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find(" = ");
        if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 3);
    }
    auto get = [&](const std::string& key) -> const std::string& {
        const auto it = kv.find(key);
        if (it == kv.end()) throw InputError("the exploration parameters have no '" + key + "'");
        return it->second;
    };
    auto number = [&](const std::string& key) {
        const std::string& v = get(key);
        try {
            std::size_t used = 0;
            const double d = std::stod(v, &used);
            if (used == v.size() && std::isfinite(d)) return d;
        } catch (const std::exception&) {
        }
        throw InputError("the exploration parameter '" + key + "' is not a number: " + v);
    };
    auto integer = [&](const std::string& key) {
        const std::string& v = get(key);
        try {
            std::size_t used = 0;
            const unsigned long long u = std::stoull(v, &used);
            if (used == v.size() && v.find('-') == std::string::npos) return u;
        } catch (const std::exception&) {
        }
        throw InputError("the exploration parameter '" + key + "' is not a whole number: " + v);
    };
    ExploreParameters p;
    p.model = model;
    p.walk.temperature = number("t_explore");
    p.walk.quenchEvery = static_cast<long>(integer("quench_every"));
    p.walk.steps = static_cast<long>(integer("steps"));
    p.walk.timeStep = number("time_step");
    p.walk.friction = number("friction");
    p.walk.seed = integer("seed");
    p.walk.run = kv.count("run") ? integer("run") : 0;
    p.walk.minimizer = parseMinimizer(get("minimizer"));
    p.walk.minimizerTolerance = number("minimizer_tolerance");
    p.sameDistance = number("same_distance");
    p.sameEnergy = number("same_energy");
    p.pairAsymmetry = number("pair_asymmetry");
    p.saddleMethod = parseSaddleMethod(get("saddle_method"));
    p.ircStep = number("irc_step");
    p.minimumBarrier = number("minimum_barrier");
    p.model.tlsThreshold = number("tls_threshold");
    p.glassFictiveTemperature = get("glass_t_f");
    p.validate();
    return p;
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

ExplorationResult exploreGlass(const Configuration& glass, const ExploreParameters& p, const ExploreHooks& hooks,
                               const ExploreResume* resume) {
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
        if (resume && resume->finishedWalk) r.walk = *resume->finishedWalk;
        else r.walk = walkMetabasin(pot, massCoord, glass.positions, p.walk, same, hooks.walk,
                                    resume && resume->walk ? &*resume->walk : nullptr);
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

    std::size_t already = 0;
    if (resume) {
        if (resume->analysed.size() > candidates.size())
            throw InputError("resume: the session has more analysed pairs than the walk has candidates");
        for (const PairAnalysis& a : resume->analysed) {
            if (a.first != candidates[already].first || a.second != candidates[already].second)
                throw InputError("resume: analysed pair " + std::to_string(already) + " (IS " + std::to_string(a.first) + " - " +
                                 std::to_string(a.second) + ") is not the walk's candidate pair " + std::to_string(already));
            r.pairs[already++] = a;
        }
    }
    std::atomic<std::size_t> next{already};
    std::mutex mutex;
    std::vector<bool> done(candidates.size(), false);
    std::fill(done.begin(), done.begin() + static_cast<std::ptrdiff_t>(already), true);
    std::size_t reported = already;
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
            // An analysis cut short by a stop is no verdict: it is neither kept nor reported,
            // so a resumed run analyses that pair again.
            if (hooks.walk.stop && hooks.walk.stop->load()) return;
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
