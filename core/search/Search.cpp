#include "core/search/Search.h"

#include "core/common/Error.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/dynamics/Preparation.h"
#include "core/dynamics/TrajectorySampling.h"
#include "core/dynamics/Random.h"
#include "core/landscape/Minimizer.h"
#include "core/model/Units.h"
#include "core/io/ConfigurationFile.h"
#include "core/potential/PairPotential.h"
#include "core/system/Configuration.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <map>
#include <sstream>
#include <thread>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tlscope {

// ---------------------------------------------------------------------------------------------
// Parameters

StartProtocol parseStartProtocol(const std::string& name) {
    if (name == "independent") return StartProtocol::Independent;
    if (name == "trajectory") return StartProtocol::Trajectory;
    throw InputError("unknown start protocol '" + name + "' (expected independent or trajectory)");
}

std::string startProtocolName(StartProtocol p) { return p == StartProtocol::Trajectory ? "trajectory" : "independent"; }

void SearchParameters::validate() const {
    auto fail = [](const std::string& what) { throw InputError("invalid search parameter: " + what); };
    model.validate();
    if (particles < 2 || particles > 1000000) fail("--n must be from 2 to 1000000 (got " + std::to_string(particles) + ")");
    if (particles % model.copies != 0 || particles / model.copies < 2)
        fail("--n " + std::to_string(particles) + " cannot be split into " + std::to_string(model.copies) +
             " copies of at least 2 particles (--n is the total: 130 for 2 x 65)");
    checkCutoffFitsBox(model, model.boxLengthFor(particles));
    if (starts < 1 || starts > 10000000) fail("--starts must be from 1 to 10000000 (got " + std::to_string(starts) + ")");
    if (attempts < 1 || attempts > 10000000) fail("--attempts must be from 1 to 10000000 (got " + std::to_string(attempts) + ")");
    if (!inputFile.empty() && starts != 1)
        fail("--input gives one starting glass: use --starts 1 and raise --attempts to search it longer");
    if (!(tEquil > 0.0) || !(tEquil <= 100.0)) fail("--t-equil must be in (0, 100]");
    if (!(tSearch > 0.0) || !(tSearch <= 100.0)) fail("--t-search must be in (0, 100]");
    if (nSearch < 1 || nSearch > 100000000) fail("--n-search must be from 1 to 1e8 MD steps");
    if (!(equilibrationTime <= 1e7) || !(meltTime <= 1e7) || (startProtocol == StartProtocol::Trajectory && !(sampleInterval <= 1e7)))
        fail("equilibration, melt and sampling times must be <= 1e7");
    if (!(timeStep > 0.0) || timeStep > 0.05) fail("the time step must be in (0, 0.05]");
    if (!(equilibrationTime >= 0.0) || !(meltTime >= 0.0) || !std::isfinite(equilibrationTime) || !std::isfinite(meltTime))
        fail("equilibration times must be finite and >= 0");
    if (startProtocol == StartProtocol::Trajectory && (!(sampleInterval > 0.0) || !std::isfinite(sampleInterval)))
        fail("--sample-interval must be > 0");
    if (!(dMin >= 0.0) || !std::isfinite(dMin)) fail("--d-min must be finite and >= 0");
    if (!std::isfinite(dMax) || !std::isfinite(asymMax)) fail("--d-max and --asym-max must be finite");
    if (!(dMax > dMin))
        fail("--d-max (" + std::to_string(dMax) + ") must be larger than --d-min (" + std::to_string(dMin) + ")");
    if (!(asymMax > 0.0)) fail("--asym-max must be > 0");
    if (!(tlsThresholdKelvin > 0.0) || !std::isfinite(tlsThresholdKelvin)) fail("the TLS threshold must be > 0 K");
    if (!(ircStep > 0.0) || !(ircStep <= 0.05))
        fail("--irc-step must be in (0, 0.05] (a resolved path needs steps well below the 0.03 width of a ground state)");
    if (!(minimumBarrier >= 0.0) || !std::isfinite(minimumBarrier)) fail("--min-barrier must be >= 0");
    if (!(minimizerTolerance > 0.0) || !std::isfinite(minimizerTolerance)) fail("the minimizer tolerance must be finite and > 0");
    if (threads < 0 || threads > 4096) fail("--threads must be from 0 (all cores) to 4096");
}

DoubleWellOptions SearchParameters::doubleWellOptions() const {
    DoubleWellOptions dw;
    dw.method = saddleMethod;
    dw.hbar = model.units.hbar(); // the model's unit mapping (NiP for the KA models)
    dw.tlsThreshold = model.units.fromKelvin(tlsThresholdKelvin);
    dw.path.step = ircStep;
    dw.minimumBarrier = minimumBarrier;
    return dw;
}

std::string SearchParameters::serialize() const {
    std::ostringstream o;
    o.precision(17);
    o << "model = " << model.name << "\n"
      << "particles = " << particles << "\n"
      << "seed = " << seed << "\n"
      << "starts = " << starts << "\n"
      << "attempts = " << attempts << "\n"
      << "t_equil = " << tEquil << "\n"
      << "equilibration_time = " << equilibrationTime << "\n"
      << "melt_time = " << meltTime << "\n"
      << "start_protocol = " << startProtocolName(startProtocol) << "\n"
      << "sample_interval = " << sampleInterval << "\n"
      << "t_search = " << tSearch << "\n"
      << "n_search = " << nSearch << "\n"
      << "time_step = " << timeStep << "\n"
      << "d_min = " << dMin << "\n"
      << "d_max = " << dMax << "\n"
      << "asym_max = " << asymMax << "\n"
      << "saddle_method = " << saddleMethodName(saddleMethod) << "\n"
      << "tls_threshold_kelvin = " << tlsThresholdKelvin << "\n"
      << "irc_step = " << ircStep << "\n"
      << "minimum_barrier = " << minimumBarrier << "\n"
      << "minimizer_tolerance = " << minimizerTolerance << "\n"
      << "quench_minimizer = " << minimizerName(quenchMinimizer) << "\n"
      << "md_forces = " << (singlePrecisionMd ? "single" : "double") << "\n";
    if (!inputFile.empty()) o << "input = " << inputFile << "\n";
    return o.str();
}

SearchParameters SearchParameters::parse(const std::string& text, const Model& model, const std::string& source) {
    SearchParameters p;
    p.model = model;
    p.quenchMinimizer = MinimizerKind::ConjugateGradient; // runs written before the key existed
    p.singlePrecisionMd = false;                          // likewise
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const auto eq = line.find('=');
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = source + ":" + std::to_string(lineNo);
        if (eq == std::string::npos) throw InputError(where + ": expected 'key = value'");
        auto trim = [](std::string s) {
            const auto a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
            return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
        };
        const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
        try {
            std::size_t used = 0;
            auto num = [&]() {
                const double v = std::stod(value, &used);
                if (used != value.size()) throw std::invalid_argument(value);
                return v;
            };
            auto integer = [&]() {
                const long long v = std::stoll(value, &used);
                if (used != value.size()) throw std::invalid_argument(value);
                return v;
            };
            if (key == "model") continue; // the model itself is stored separately
            else if (key == "particles") p.particles = static_cast<int>(integer());
            else if (key == "seed") p.seed = std::stoull(value);
            else if (key == "starts") p.starts = static_cast<int>(integer());
            else if (key == "attempts") p.attempts = static_cast<int>(integer());
            else if (key == "t_equil") p.tEquil = num();
            else if (key == "equilibration_time") p.equilibrationTime = num();
            else if (key == "melt_time") p.meltTime = num();
            else if (key == "start_protocol") p.startProtocol = parseStartProtocol(value);
            else if (key == "sample_interval") p.sampleInterval = num();
            else if (key == "t_search") p.tSearch = num();
            else if (key == "n_search") p.nSearch = static_cast<long>(integer());
            else if (key == "time_step") p.timeStep = num();
            else if (key == "d_min") p.dMin = num();
            else if (key == "d_max") p.dMax = num();
            else if (key == "asym_max") p.asymMax = num();
            else if (key == "saddle_method") p.saddleMethod = parseSaddleMethod(value);
            else if (key == "tls_threshold_kelvin") p.tlsThresholdKelvin = num();
            else if (key == "irc_step") p.ircStep = num();
            else if (key == "minimum_barrier") p.minimumBarrier = num();
            else if (key == "minimizer_tolerance") p.minimizerTolerance = num();
            else if (key == "quench_minimizer") p.quenchMinimizer = parseMinimizer(value);
            else if (key == "md_forces") p.singlePrecisionMd = parseMdForces(value);
            else if (key == "input") p.inputFile = value;
            else throw InputError(where + ": unknown run parameter '" + key + "'");
        } catch (const std::logic_error&) {
            throw InputError(where + ": '" + value + "' is not a valid value for " + key);
        }
    }
    return p;
}

bool parseMdForces(const std::string& name) {
    if (name == "single") return true;
    if (name == "double") return false;
    throw InputError("unknown MD force precision '" + name + "' (expected single or double)");
}

std::uint64_t startSeed(std::uint64_t seed, int start) {
    std::uint64_t state = seed ^ (0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(start) + 1));
    splitMix64(state);
    return splitMix64(state);
}

// ---------------------------------------------------------------------------------------------
// The attempt stage of one start, shared by the search and the calibration scan.

namespace {

/// The liquid the starts are quenched from: each start's own (independent protocol) or the one
/// sampling trajectory.
EquilibrationParameters equilibrationOf(const SearchParameters& p) {
    EquilibrationParameters eq;
    eq.temperature = p.tEquil;
    eq.time = p.equilibrationTime;
    eq.meltTime = p.meltTime;
    eq.timeStep = p.timeStep;
    eq.singlePrecisionForces = p.singlePrecisionMd;
    return eq;
}

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) {
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

struct Hooks {
    const std::atomic<bool>* stop = nullptr;
    std::function<bool()> waitWhilePaused;                       ///< false: stop
    std::function<void(const StartingStructure&)> startingStructure;
    std::function<void(const FoundMinimum&)> newMinimum;
    std::function<void(int attempt, const Eigen::VectorXd&)> attemptDone;
};

struct Exploration {
    StartingStructure is;
    StartSummary summary;
    std::vector<FoundMinimum> minima;
    bool completed = false; ///< false if stopped
};

Exploration explore(const SearchParameters& p, int start, const Hooks& h, const Configuration* given = nullptr) {
    Exploration out;
    out.summary.start = start;
    out.is.start = start;
    const std::uint64_t seed = startSeed(p.seed, start);
    auto stopped = [&] { return h.stop && h.stop->load(std::memory_order_relaxed); };

    const EquilibrationParameters eq = equilibrationOf(p);
    Configuration c;
    MinimizerOptions mo;
    mo.forceTolerance = p.minimizerTolerance;
    mo.stop = h.stop;
    try {
        // The stop flag reaches into the equilibration (3000 time units, seconds): closing the
        // window mid-start used to wait for it.
        c = given ? *given : generateEquilibratedLiquid(p.model, p.particles, eq, seed, {}, nullptr, stopped);
    } catch (const NumericalError& e) {
        out.is.ok = out.summary.ok = false;
        out.is.message = out.summary.message = e.what();
    }
    if (stopped()) return out;
    if (!out.is.ok) {
        // No liquid (the equilibration became unstable): the start is skipped with the reason,
        // the run goes on. (It used to build a potential for an empty box and end the whole run
        // with a misleading "cutoff does not fit the box".)
        out.is.boxLength = p.model.boxLengthFor(p.model.particlesPerCopy(p.particles));
        if (h.startingStructure) h.startingStructure(out.is);
        out.completed = true;
        return out;
    }
    out.is.boxLength = c.boxLength;
    out.is.species = c.species;
    out.is.diameters = c.diameters;
    PairPotential pot(p.model, c);
    if (out.is.ok) {
        const MinimizationResult q = minimize(pot, c.positions, p.quenchMinimizer, mo);
        if (q.status == MinimizationStatus::Stopped) return out;
        if (!q.converged()) {
            out.is.ok = out.summary.ok = false;
            out.is.message = out.summary.message = "the quench to the inherent structure failed: " + q.describe();
        }
        out.is.energy = out.summary.energy = q.energy;
    }
    out.is.positions = c.positions;
    if (h.startingStructure) h.startingStructure(out.is);
    if (!out.is.ok) {
        out.completed = true;
        return out;
    }
    const Eigen::VectorXd mass = relativeMasses(p.model, c.species);
    const int copies = p.model.copies;
    MdParameters md;
    md.timeStep = p.timeStep;
    md.singlePrecisionForces = p.singlePrecisionMd;
    MolecularDynamics dyn(pot, c.massVector(p.model), md, RandomStream(seed, 2));
    const double e0 = out.is.energy;
    // An attempt that falls back into the start's basin or a kept minimum's (most of them) is
    // recognised once it is within 1e-5 of that minimum with max |F| < 1e-6, instead of being
    // converged to 1e-10 again: the minimizer would end within ~1e-9 of it, and the search
    // treats minima closer than 1e-3 as one anyway (same classification, ~40 % fewer force
    // evaluations per such quench; docs/performance.md).
    const FoundMinimum* recognised = nullptr;
    bool recognisedStart = false;
    MinimizerOptions attemptOptions = mo;
    attemptOptions.recognise = [&](const Eigen::VectorXd& y, double e) {
        constexpr double eTol = 1e-7, dTol = 1e-5;
        if (std::abs(e - e0) < eTol && distance(c.positions, y, c.boxLength, mass, copies) < dTol) return recognisedStart = true;
        for (const FoundMinimum& m : out.minima)
            if (std::abs(e - m.energy) < eTol && distance(m.positions, y, c.boxLength, mass, copies) < dTol) {
                recognised = &m;
                return true;
            }
        return false;
    };
    for (int a = 0; a < p.attempts; ++a) {
        if (h.waitWhilePaused && !h.waitWhilePaused()) return out;
        dyn.setPositions(c.positions);
        dyn.drawVelocities(p.tSearch);
        for (long s = 0; s < p.nSearch; ++s) {
            dyn.step();
            if (s % 64 == 63 && stopped()) return out;
        }
        Eigen::VectorXd x = dyn.state().positions;
        recognised = nullptr;
        recognisedStart = false;
        MinimizationResult r = minimize(pot, x, p.quenchMinimizer, attemptOptions);
        if (r.status == MinimizationStatus::Stopped) return out;
        if (r.status == MinimizationStatus::Recognised) { // continue with the known minimum itself
            x = recognisedStart ? c.positions : recognised->positions;
            r.energy = recognisedStart ? e0 : recognised->energy;
        }
        ++out.summary.attempts;
        if (h.attemptDone) h.attemptDone(a, x);
        if (!r.converged()) {
            ++out.summary.failedMinimizations;
            continue;
        }
        // Copies drift against each other during the kick: each is put back where it was (the
        // paper's "relative positions of the two independent systems were preserved").
        if (copies > 1) x = alignCopies(c.positions, x, c.boxLength, mass, copies);
        const double d = distance(c.positions, x, c.boxLength, mass, copies);
        const double asym = std::abs(r.energy - e0);
        if (d <= p.dMin) {
            ++out.summary.returnedToStart;
            continue;
        }
        const double dmw = massWeightedDistance(c.positions, x, c.boxLength, mass, copies);
        if (dmw >= p.dMax) { // d_mw_rp >= d_mw, so this minimum cannot pass the d_max filter
            ++out.summary.tooFar;
            continue;
        }
        if (asym >= p.asymMax) {
            ++out.summary.tooAsymmetric;
            continue;
        }
        bool known = false;
        for (FoundMinimum& m : out.minima)
            if (sameMinimum(x, r.energy, m.positions, m.energy, c.boxLength, mass, 1e-3, 1e-7, copies)) {
                ++m.findCount;
                known = true;
                break;
            }
        if (known) continue;
        FoundMinimum m;
        m.start = start;
        m.id = static_cast<int>(out.minima.size());
        m.firstAttempt = a;
        m.findCount = 1;
        m.energy = r.energy;
        m.d = d;
        m.dMassWeighted = dmw;
        m.asymmetry = asym;
        m.positions = x;
        out.minima.push_back(m);
        if (h.newMinimum) h.newMinimum(m);
    }
    out.summary.minima = static_cast<int>(out.minima.size());
    out.completed = true;
    return out;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// The search

/// Serialises observer calls from the workers and keeps the run's counters.
class Serializer {
public:
    Serializer(SearchObserver& o, long attemptsTotal, int startsTotal, double snapshotInterval)
        : observer_(o), snapshotInterval_(snapshotInterval) {
        progress_.attemptsTotal = attemptsTotal;
        progress_.startsTotal = startsTotal;
    }
    template <class F> void call(F&& f) {
        std::lock_guard lock(mutex_);
        f(observer_);
    }
    void attemptDone(const SearchSnapshot* snap) {
        std::lock_guard lock(mutex_);
        ++progress_.attemptsDone;
        const double now = secondsSince(t0_);
        if (snap && snapshotInterval_ > 0 && now - lastSnapshot_ >= snapshotInterval_) {
            lastSnapshot_ = now;
            observer_.onSnapshot(*snap);
        }
        if (now - lastProgress_ >= 0.25) emitProgress(now);
    }
    bool snapshotDue() const {
        return snapshotInterval_ > 0 && secondsSince(t0_) - lastSnapshot_.load() >= snapshotInterval_;
    }
    void count(long SearchProgress::*field) {
        std::lock_guard lock(mutex_);
        ++(progress_.*field);
    }
    void startDone(int skippedAttempts) {
        std::lock_guard lock(mutex_);
        ++progress_.startsDone;
        progress_.attemptsDone += skippedAttempts; // attempts of a start that failed to quench
        emitProgress(secondsSince(t0_));
    }
    void finalProgress() {
        std::lock_guard lock(mutex_);
        emitProgress(secondsSince(t0_));
    }

private:
    void emitProgress(double now) {
        lastProgress_ = now;
        progress_.elapsedSeconds = now;
        progress_.attemptsPerSecond = now > 0 ? progress_.attemptsDone / now : 0.0;
        progress_.etaSeconds = progress_.attemptsDone > 0
            ? now * (progress_.attemptsTotal - progress_.attemptsDone) / progress_.attemptsDone
            : -1.0;
        observer_.onProgress(progress_);
    }
    SearchObserver& observer_;
    std::mutex mutex_;
    SearchProgress progress_;
    Clock::time_point t0_ = Clock::now();
    double lastProgress_ = -1.0;
    std::atomic<double> lastSnapshot_{-1e9};
    double snapshotInterval_;
};

Search::Search(SearchParameters parameters) : p_(std::move(parameters)) {
    p_.validate();
    if (!p_.inputFile.empty()) {
        Configuration glass = readConfigurationFile(p_.inputFile, p_.model).conf;
        if (glass.size() != p_.particles)
            throw InputError(p_.inputFile + ": the glass has " + std::to_string(glass.size()) + " particles, the search expects " +
                             std::to_string(p_.particles));
        if (std::abs(glass.boxLength - p_.model.boxLengthFor(p_.particles)) > 1e-9 * glass.boxLength)
            throw InputError(p_.inputFile + ": box edge " + std::to_string(glass.boxLength) + " is not the model's " +
                             std::to_string(p_.model.boxLengthFor(p_.particles)) + " at density " + std::to_string(p_.model.density));
        sampledStarts_ = {std::move(glass)};
    }
}

void Search::stop() {
    stop_ = true;
    {
        std::lock_guard lock(pauseMutex_);
        pauseCv_.notify_all();
    }
    std::lock_guard lock(sampleMutex_);
    sampleCv_.notify_all();
}

bool Search::waitForSample(int k) {
    std::unique_lock lock(sampleMutex_);
    sampleCv_.wait(lock, [&] { return samplesReady_ > k || samplingEnded_ || stop_.load(); });
    return samplesReady_ > k && !stop_.load();
}

void Search::pause() { paused_ = true; }

void Search::resume() {
    {
        std::lock_guard lock(pauseMutex_);
        paused_ = false;
    }
    pauseCv_.notify_all();
}

bool Search::waitWhilePaused() {
    std::unique_lock lock(pauseMutex_);
    pauseCv_.wait(lock, [&] { return !paused_.load() || stop_.load(); });
    return !stop_.load();
}

void Search::runStart(int start, Serializer& out) {
    Hooks h;
    h.stop = &stop_;
    h.waitWhilePaused = [this] { return waitWhilePaused(); };
    StartingStructure isCopy; // the reference of snapshots, once the quench is done
    h.startingStructure = [&](const StartingStructure& s) {
        isCopy = s;
        out.call([&](SearchObserver& o) { o.onStartingStructure(s); });
    };
    h.newMinimum = [&](const FoundMinimum& m) {
        out.count(&SearchProgress::minima);
        out.call([&](SearchObserver& o) { o.onMinimum(m); });
    };
    h.attemptDone = [&](int attempt, const Eigen::VectorXd& x) {
        if (out.snapshotDue() && isCopy.positions.size() > 0) {
            SearchSnapshot snap;
            snap.start = start;
            snap.attempt = attempt;
            snap.boxLength = isCopy.boxLength;
            snap.species = isCopy.species;
            snap.diameters = isCopy.diameters;
            snap.reference = isCopy.positions;
            snap.positions = x;
            out.attemptDone(&snap);
        } else {
            out.attemptDone(nullptr);
        }
    };
    Exploration ex = explore(p_, start, h, sampledStarts_.empty() ? nullptr : &sampledStarts_[static_cast<std::size_t>(start)]);
    if (!ex.completed) return;
    if (!ex.is.ok) {
        out.call([&](SearchObserver& o) {
            o.onLog("start " + std::to_string(start) + " skipped: " + ex.is.message);
        });
        ex.summary.message = ex.is.message;
        out.call([&](SearchObserver& o) { o.onStartCompleted(ex.summary, {}); });
        out.startDone(p_.attempts);
        return;
    }
    PairPotential pot(p_.model, ex.is.species, ex.is.boxLength, NeighbourMethod::Auto, 0.3, ex.is.diameters);
    DoubleWellOptions dw = p_.doubleWellOptions();
    dw.stop = &stop_;
    for (FoundMinimum& m : ex.minima) {
        if (!waitWhilePaused()) return;
        const DoubleWellAnalysis a = analyzeDoubleWell(pot, ex.is.positions, m.positions, dw);
        if (stop_.load()) return;
        if (a.accepted && a.dwp.dMassWeightedReactionPath >= p_.dMax) {
            std::ostringstream why;
            why << "d_mw_rp = " << a.dwp.dMassWeightedReactionPath << " is not below d_max = " << p_.dMax;
            m.status = MinimumStatus::Rejected;
            m.reason = why.str();
        } else if (a.accepted) {
            m.status = MinimumStatus::DoubleWell;
            DwpRecord rec;
            rec.start = start;
            rec.minimum = m.id;
            rec.findCount = m.findCount;
            rec.startEnergy = ex.is.energy;
            rec.species = ex.is.species;
            rec.diameters = ex.is.diameters;
            rec.dwp = a.dwp;
            ++ex.summary.doubleWells;
            out.count(&SearchProgress::doubleWells);
            if (rec.dwp.isTls) out.count(&SearchProgress::tls);
            out.call([&](SearchObserver& o) { o.onDoubleWell(rec); });
        } else {
            m.status = MinimumStatus::Rejected;
            m.reason = a.reason;
        }
        if (m.status == MinimumStatus::Rejected) {
            ++ex.summary.rejected;
            out.count(&SearchProgress::rejected);
        }
    }
    out.call([&](SearchObserver& o) { o.onStartCompleted(ex.summary, ex.minima); });
    out.startDone(0);
}

bool Search::run(SearchObserver& observer, const std::vector<int>& skipStarts) {
    std::vector<int> todo;
    for (int k = 0; k < p_.starts; ++k)
        if (std::find(skipStarts.begin(), skipStarts.end(), k) == skipStarts.end()) todo.push_back(k);
    Serializer out(observer, static_cast<long>(todo.size()) * p_.attempts, static_cast<int>(todo.size()),
                   snapshotInterval_);
    const bool sampling = p_.startProtocol == StartProtocol::Trajectory && sampledStarts_.empty() && !todo.empty();
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto fail = [&] {
        std::lock_guard lock(failureMutex);
        if (!failure) failure = std::current_exception();
        stop();
    };
    auto lowerPriority = [this] {
#ifdef __linux__
        if (workerNice_ > 0) setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), workerNice_);
#endif
    };
    std::function<void()> sampler;
    if (sampling) {
        // One trajectory for all starts (serial, deterministic from the run seed; a resumed run
        // regenerates it and skips the finished starts). It runs on one thread while the others
        // search the starts already sampled.
        sampledStarts_.assign(static_cast<std::size_t>(p_.starts), Configuration{});
        {
            std::lock_guard lock(sampleMutex_);
            samplesReady_ = 0;
            samplingEnded_ = false;
        }
        observer.onLog("sampling " + std::to_string(p_.starts) + " starting liquids along one trajectory (" +
                       std::to_string(p_.sampleInterval) + " apart)");
        sampler = [&, this] {
            lowerPriority();
            const EquilibrationParameters eq = equilibrationOf(p_);
            auto ended = [this] {
                std::lock_guard lock(sampleMutex_);
                samplingEnded_ = true;
                sampleCv_.notify_all();
            };
            try {
                const TrajectorySample t = sampleTrajectory(
                    p_.model, p_.particles, eq, p_.sampleInterval, p_.starts, startSeed(p_.seed, -1), {},
                    [this] { return stop_.load(); },
                    [this](int k, const Configuration& c) {
                        std::lock_guard lock(sampleMutex_);
                        sampledStarts_[static_cast<std::size_t>(k)] = c;
                        samplesReady_ = k + 1;
                        sampleCv_.notify_all();
                    });
                ended();
                if (stop_.load()) return;
                std::ostringstream msg;
                const double tau = t.relaxation.time.empty() ? -1.0 : t.relaxation.tauAlpha();
                msg << "sampling trajectory: tau_alpha = ";
                if (tau > 0) msg << tau << ", interval / tau_alpha = " << p_.sampleInterval / tau;
                else msg << "not reached (F_s stayed above 1/e): the starts are correlated";
                out.call([&](SearchObserver& o) { o.onLog(msg.str()); });
            } catch (...) {
                ended();
                fail();
            }
        };
    }
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::max(1, std::min<int>(p_.threads > 0 ? p_.threads : hw, static_cast<int>(todo.size())));
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        lowerPriority();
        for (;;) {
            const std::size_t i = next.fetch_add(1);
            if (i >= todo.size() || stop_.load()) return;
            if (!waitForSample(todo[i])) return;
            try {
                runStart(todo[i], out);
            } catch (...) {
                fail();
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    if (sampler && threads == 1) sampler();
    else if (sampler) pool.emplace_back([&] { sampler(); work(); }); // then a worker like the others
    for (int t = static_cast<int>(pool.size()) + 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    out.finalProgress();
    if (failure) std::rethrow_exception(failure);
    return !stop_.load();
}

// ---------------------------------------------------------------------------------------------
// Calibration

std::vector<CalibrationPoint> calibrate(const SearchParameters& base, const std::vector<double>& temperatures,
                                        const std::vector<long>& steps,
                                        const std::function<void(int, int)>& progress,
                                        const std::atomic<bool>* stop) {
    base.validate();
    if (temperatures.empty() || steps.empty()) throw InputError("calibrate: give at least one temperature and one step count");
    std::vector<CalibrationPoint> out;
    const int total = static_cast<int>(temperatures.size() * steps.size());
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int threads = std::max(1, base.threads > 0 ? base.threads : hw);
    for (double t : temperatures)
        for (long n : steps) {
            SearchParameters p = base;
            p.tSearch = t;
            p.nSearch = n;
            p.validate();
            std::vector<Exploration> results(static_cast<std::size_t>(p.starts));
            std::atomic<int> next{0};
            Hooks h;
            h.stop = stop;
            const auto t0 = Clock::now();
            auto work = [&] {
                for (int k; (k = next.fetch_add(1)) < p.starts;) results[static_cast<std::size_t>(k)] = explore(p, k, h);
            };
            std::vector<std::thread> pool;
            for (int i = 1; i < std::min(threads, p.starts); ++i) pool.emplace_back(work);
            work();
            for (auto& th : pool) th.join();
            if (stop && stop->load()) return out;
            CalibrationPoint c;
            c.tSearch = t;
            c.nSearch = n;
            long attempts = 0, returned = 0, outside = 0, minima = 0;
            for (const Exploration& e : results) {
                attempts += e.summary.attempts;
                returned += e.summary.returnedToStart;
                outside += e.summary.tooFar + e.summary.tooAsymmetric;
                minima += static_cast<long>(e.minima.size());
            }
            c.attempts = static_cast<int>(attempts);
            c.distinctMinimaPerStart = static_cast<double>(minima) / p.starts;
            c.returnedFraction = attempts ? static_cast<double>(returned) / attempts : 0.0;
            c.tooFarFraction = attempts ? static_cast<double>(outside) / attempts : 0.0;
            c.secondsPerAttempt = attempts ? secondsSince(t0) * std::min(threads, p.starts) / attempts : 0.0;
            out.push_back(c);
            if (progress) progress(static_cast<int>(out.size()), total);
        }
    return out;
}

} // namespace tlscope
