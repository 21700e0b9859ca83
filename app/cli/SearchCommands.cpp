// search, calibrate, analyze, export: DWP campaigns and their session files.
#include "app/cli/Arguments.h"
#include "app/cli/Commands.h"
#include "app/cli/Mpi.h"
#include "core/analysis/Analysis.h"
#include "core/analysis/Stability.h"
#include "core/io/SafeWrite.h"
#include "core/io/ConfigurationFile.h"
#include "core/io/SessionFile.h"
#include "core/model/Units.h"
#include "core/search/Search.h"
#include "core/tls/Displacement.h"
#include "core/tls/DoubleWell.h"
#include "core/potential/PairPotential.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace tlscope::cli {

namespace {

std::atomic<bool> interrupted{false};
extern "C" void onInterrupt(int) { interrupted = true; }

std::string duration(double seconds) {
    if (seconds < 0) return "?";
    char buf[32];
    const long s = static_cast<long>(seconds + 0.5);
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else if (s >= 60) std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

std::vector<OptionSpec> runOptions() {
    return {{"model", "M", "model preset or model file", "ka-rh", false},
            {"n", "N", "particles (with --copies: all of them, e.g. 130 for 2 x 65)", "65", false},
            {"copies", "K", "K independent, non-interacting copies of N/K particles sharing one box, energies added (the paper's 2 x 65 test)", "1", false},
            {"starts", "K", "starting inherent structures (independent equilibrated liquids)", "10", false},
            {"attempts", "M", "kicks per starting structure", "400", false},
            {"t-equil", "T", "equilibration temperature", "0.5", false},
            {"equil-time", "t", "equilibration time at T_equil (after melting at T = 2; docs/validation.md)", "3000", false},
            {"protocol", "P", "starting liquids: independent (one per start) or trajectory (one trajectory, sampled)", "independent", false},
            {"sample-interval", "t", "trajectory protocol: time between successive starts", "100", false},
            {"t-search", "T", "temperature of the Maxwell-Boltzmann kick", "0.6", false},
            {"n-search", "S", "NVE steps after each kick", "150", false},
            {"d-min", "D", "smallest distance from the start that counts as a new minimum", "0.001", false},
            {"d-max", "D", "largest d_mw_rp of a DWP", "0.8", false},
            {"asym-max", "A", "largest asymmetry |E2 - E1|", "0.5", false},
            {"saddle", "METHOD", "saddle search: neb or ridge", "neb", false},
            {"tls-kelvin", "K", "a DWP is a TLS when E_qs = E1 - E0 is below this (default: the model's threshold; 1 K for the KA models)", "1", false},
            {"irc-step", "H", "step of the resolved reaction path (mass-weighted sigma; docs/quantum.md)", "0.004", false},
            {"min-barrier", "B", "pairs whose smaller barrier is below this (eps) are shoulders, not DWPs", "1e-05", false},
            {"minimizer", "KIND", "quench minimizer: lbfgs (half the force evaluations), cg (the paper's) or fire", "lbfgs", false},
            {"md-forces", "P", "precision of the forces of the kicks, equilibration and sampling: single (twice as fast with AVX-512; quenches, saddles and paths always double) or double", "single", false},
            {"seed", "X", "random seed; same seed, same catalog for any thread count", "1", false},
            {"input", "FILE", "start from this glass (e.g. made by prepare) instead of equilibrated liquids: one start, N from the file", "", false}};
}

SearchParameters parametersFrom(const Arguments& a) {
    SearchParameters p;
    p.model = Model::fromNameOrFile(a.get("model"));
    if (a.has("copies")) p.model.copies = static_cast<int>(a.integer("copies", 1, 64));
    p.particles = static_cast<int>(a.integer("n", 2));
    p.starts = static_cast<int>(a.integer("starts", 1));
    p.attempts = static_cast<int>(a.integer("attempts", 1));
    p.tEquil = a.positive("t-equil");
    p.equilibrationTime = a.number("equil-time");
    p.startProtocol = parseStartProtocol(a.get("protocol"));
    p.sampleInterval = a.positive("sample-interval");
    p.tSearch = a.positive("t-search");
    p.nSearch = a.integer("n-search", 1);
    p.dMin = a.number("d-min");
    p.dMax = a.number("d-max");
    p.asymMax = a.number("asym-max");
    p.saddleMethod = parseSaddleMethod(a.get("saddle"));
    p.tlsThresholdKelvin = a.positive("tls-kelvin");
    // Without --tls-kelvin: the model's own TLS threshold (1 K for the KA models; 0.00151 eps, i.e.
    // 0.18 K with argon units, for the soft spheres).
    if (!a.has("tls-kelvin") && std::abs(p.model.units.toKelvin(p.model.tlsThreshold) - 1.0) > 1e-9)
        p.tlsThresholdKelvin = p.model.units.toKelvin(p.model.tlsThreshold);
    p.ircStep = a.positive("irc-step");
    p.minimumBarrier = a.number("min-barrier");
    p.quenchMinimizer = parseMinimizer(a.get("minimizer"));
    p.singlePrecisionMd = parseMdForces(a.get("md-forces"));
    p.seed = a.seed("seed");
    p.threads = static_cast<int>(a.integer("threads", 0));
    if (a.has("input") && !a.get("input").empty()) {
        // Absolute, so that a resumed run finds the glass from any directory.
        p.inputFile = std::filesystem::absolute(a.get("input")).string();
        p.particles = readConfigurationFile(p.inputFile, p.model).conf.size();
        if (!a.has("starts")) p.starts = 1;
    }
    p.validate();
    return p;
}

/// Prints progress on stderr and forwards everything to the session writer.
class CliObserver final : public SearchObserver {
public:
    CliObserver(SessionWriter& w, bool quiet, std::string label = {})
        : writer_(w), quiet_(quiet), tty_(isatty(2)), label_(std::move(label)) {}
    void onProgress(const SearchProgress& p) override {
        last_ = p;
        if (quiet_) return;
        const double now = p.elapsedSeconds;
        if (!tty_ && now - lastPrint_ < 10.0 && p.attemptsDone < p.attemptsTotal) return;
        lastPrint_ = now;
        std::fprintf(stderr, "%s[%5.1f%%] attempts %ld/%ld  starts %d/%d  minima %ld  DWPs %ld  TLS %ld  %.0f att/s  ETA %s   %s",
                     tty_ ? "\r" : "", p.attemptsTotal ? 100.0 * p.attemptsDone / p.attemptsTotal : 100.0,
                     p.attemptsDone, p.attemptsTotal, p.startsDone, p.startsTotal, p.minima, p.doubleWells, p.tls,
                     p.attemptsPerSecond, duration(p.etaSeconds).c_str(), tty_ ? "" : "\n");
        std::fflush(stderr);
    }
    void onStartingStructure(const StartingStructure& s) override { writer_.onStartingStructure(s); }
    void onDoubleWell(const DwpRecord& r) override { writer_.onDoubleWell(r); }
    void onStartCompleted(const StartSummary& s, const std::vector<FoundMinimum>& m) override {
        writer_.onStartCompleted(s, m);
    }
    void onLog(const std::string& message) override {
        std::fprintf(stderr, "%s%s%s\n", tty_ && !quiet_ ? "\n" : "", label_.c_str(), message.c_str());
    }
    const SearchProgress& last() const { return last_; }

private:
    SessionWriter& writer_;
    bool quiet_, tty_;
    std::string label_;
    double lastPrint_ = -1e9;
    SearchProgress last_;
};

} // namespace

namespace {

/// Runs `search` (skipping `skip`) with Ctrl-C / SIGTERM stopping it cleanly; true if complete.
bool runStoppable(Search& search, SearchObserver& observer, const std::vector<int>& skip) {
    interrupted = false;
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    std::atomic<bool> finished{false};
    std::thread watcher([&] {
        while (!finished.load()) {
            if (interrupted.load()) {
                search.stop();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    bool complete = false;
    try {
        complete = search.run(observer, skip);
    } catch (...) {
        finished = true;
        watcher.join();
        throw;
    }
    finished = true;
    watcher.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return complete;
}

void printSearchSummary(const std::string& out, const SearchParameters& p, long attemptsThisRun, double seconds,
                        const std::string& resumeCommand, bool complete) {
    const SessionData s = readSession(out, {false, false});
    const CatalogAnalysis an = analyzeCatalog(s);
    std::printf("session        %s\nstarts         %d of %d finished\nattempts       %ld (this run: %ld in %s, %.1f/s)\n"
                "minima         %ld distinct kept\nDWPs           %ld (%.3f per start), %ld rejected\nTLS            %ld (E_qs < %g K)\n",
                out.c_str(), an.startsFinished + an.startsFailed, p.starts, an.attempts, attemptsThisRun,
                duration(seconds).c_str(), seconds > 0 ? attemptsThisRun / seconds : 0.0, an.minima, an.doubleWells,
                an.doubleWellsPerStart, an.rejected, an.tls, p.tlsThresholdKelvin);
    if (!complete) std::printf("stopped before the end; continue with: %s\n", resumeCommand.c_str());
}

/// The part file of one rank of an MPI run (a complete session of that rank's starts).
std::string partPath(const std::string& out, int rank) { return out + ".part" + std::to_string(rank); }

/// Part files an earlier MPI run of `out` left (killed or stopped before its merge).
std::vector<std::string> partFiles(const std::string& out) {
    namespace fs = std::filesystem;
    const fs::path target = fs::absolute(out);
    const std::string prefix = target.filename().string() + ".part";
    std::vector<std::string> parts;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(target.parent_path(), ec)) {
        const std::string name = e.path().filename().string();
        if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
            name.find_first_not_of("0123456789", prefix.size()) == std::string::npos)
            parts.push_back(e.path().string());
    }
    std::sort(parts.begin(), parts.end());
    return parts;
}

/// `mpirun -np P tlscope-cli search ...` (docs/cluster.md): rank 0 creates (or, with --resume,
/// merges and reopens) the session; every rank takes every P-th unfinished start into its own
/// part file (a complete, resumable session); at the end rank 0 merges the parts into --out in the
/// canonical order, so the file is the one a single process writes.
int searchParallel(const Arguments& a, const std::string& out) {
    Mpi& mpi = Mpi::world();
    const bool resume = a.has("resume");
    std::unique_ptr<SessionLock> mainLock; // rank 0, for the whole run
    mpi.collectively([&] {
        if (mpi.rank() != 0) return;
        if (resume) {
            for (const auto& o : runOptions())
                if (a.has(o.name))
                    throw InputError("search --resume: the run parameters come from " + out + "; drop --" + o.name);
            mainLock = std::make_unique<SessionLock>(out);
            if (!std::filesystem::exists(out)) throw InputError(out + ": no such session to resume");
            std::vector<std::string> inputs{out};
            for (const std::string& part : partFiles(out)) {
                SessionLock held(part); // refuses a part a live rank of another run still writes
                inputs.push_back(part);
            }
            const int finished = mergeSessions(inputs, out); // also canonicalises a single-process file
            for (std::size_t k = 1; k < inputs.size(); ++k) std::filesystem::remove(inputs[k]);
            std::fprintf(stderr, "resuming %s: %d starts finished%s\n", out.c_str(), finished,
                         inputs.size() > 1 ? (" (merged " + std::to_string(inputs.size() - 1) + " part files of the earlier run)").c_str() : "");
        } else {
            const SearchParameters p = parametersFrom(a);
            if (std::filesystem::is_directory(out)) throw InputError(out + " is a directory; --out needs a file name (e.g. run.tls.h5)");
            if (std::filesystem::exists(out) && !a.has("overwrite"))
                throw InputError(out + " exists; use --resume to continue it or --overwrite to replace it");
            mainLock = std::make_unique<SessionLock>(out);
            for (const std::string& part : partFiles(out)) std::filesystem::remove(part);
            SessionWriter empty(out, p); // the run's parameters on disk: --resume works from here on
        }
    });
    // Every rank reads the run from the file rank 0 prepared (no writer holds it now).
    SessionData earlier;
    mpi.collectively([&] { earlier = readSession(out, {false, false}); });
    SearchParameters p = earlier.parameters;
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    p.threads = static_cast<int>(a.integer("threads", 0));
    if (p.threads == 0) p.threads = std::max(1, hw / std::max(1, mpi.localSize())); // the node's cores, shared
    const std::vector<int> done = earlier.finishedStarts();
    std::vector<int> skip = done;
    int mine = 0, todo = 0;
    for (int k = 0; k < p.starts; ++k) {
        if (std::find(done.begin(), done.end(), k) != done.end()) continue;
        if (todo++ % mpi.size() == mpi.rank()) ++mine;
        else skip.push_back(k);
    }
    const std::string part = partPath(out, mpi.rank());
    std::unique_ptr<SessionLock> partLock;
    std::unique_ptr<SessionWriter> writer;
    mpi.collectively([&] {
        partLock = std::make_unique<SessionLock>(part);
        writer = std::make_unique<SessionWriter>(part, p);
    });
    if (mpi.rank() == 0)
        std::fprintf(stderr, "search on %d ranks x %d threads: %d starts to do (%d per rank or fewer), %zu finished earlier; "
                             "progress below is rank 0's\n",
                     mpi.size(), p.threads, todo, (todo + mpi.size() - 1) / mpi.size(), done.size());
    Search search(p);
    CliObserver observer(*writer, a.has("quiet") || mpi.rank() != 0, mpi.rank() == 0 ? "" : "rank " + std::to_string(mpi.rank()) + ": ");
    const bool complete = mpi.allTrue(runStoppable(search, observer, skip));
    writer->close();
    partLock.reset();
    long attempts = 0;
    for (const std::string& n : mpi.gather(std::to_string(observer.last().attemptsDone))) attempts += std::stol(n);
    double seconds = observer.last().elapsedSeconds;
    for (const std::string& t : mpi.gather(std::to_string(observer.last().elapsedSeconds))) seconds = std::max(seconds, std::stod(t));
    mpi.collectively([&] {
        if (mpi.rank() != 0) return;
        std::vector<std::string> inputs{out};
        for (int r = 0; r < mpi.size(); ++r) inputs.push_back(partPath(out, r));
        mergeSessions(inputs, out);
        for (std::size_t k = 1; k < inputs.size(); ++k) std::filesystem::remove(inputs[k]);
    });
    mainLock.reset();
    if (mpi.rank() == 0) {
        if (!a.has("quiet")) std::fputc('\n', stderr);
        printSearchSummary(out, p, attempts, seconds, "mpirun -np P tlscope-cli search --out " + out + " --resume", complete);
    }
    return complete ? 0 : 130;
}

} // namespace

int searchCommand(const Args& args) {
    std::vector<OptionSpec> options = runOptions();
    options.push_back({"out", "FILE", "session file to write (*.tls.h5)", "", true});
    options.push_back({"threads", "P", "worker threads (0 = all cores; under mpirun the node's cores shared by its ranks); never changes the results", "0", false});
    options.push_back({"resume", "", "continue the run in --out (its parameters come from the file)", "", false});
    options.push_back({"overwrite", "", "replace an existing --out file", "", false});
    options.push_back({"quiet", "", "no progress line", "", false});
    Arguments a("search", "The Reinisch-Heuer DWP search: equilibrate, quench, kick M times per starting\n"
                          "minimum, connect every new nearby minimum by a verified saddle, characterise it,\n"
                          "and append it to the session file as it is found. Ctrl-C stops cleanly; a\n"
                          "stopped or killed run continues with --resume and gives the same catalog.\n"
                          "Under mpirun/srun the starts are split over the ranks (each writes FILE.partR,\n"
                          "merged into FILE at the end); the file is the same as a single process writes.",
                options);
    if (!a.parse(args)) return 0;
    const std::string out = a.get("out");
    if (Mpi::world().parallel()) return searchParallel(a, out);
    SearchParameters p;
    std::unique_ptr<SessionLock> lock;
    std::unique_ptr<SessionWriter> writer;
    std::vector<int> done;
    if (a.has("resume")) {
        for (const auto& o : runOptions())
            if (a.has(o.name))
                throw InputError("search --resume: the run parameters come from " + out + "; drop --" + o.name);
        SessionData earlier;
        lock = std::make_unique<SessionLock>(out);
        // Part files of a killed MPI run of this file: their finished starts count too.
        const std::vector<std::string> parts = partFiles(out);
        if (!parts.empty()) {
            std::vector<std::string> inputs{out};
            for (const std::string& part : parts) {
                SessionLock held(part); // refuses a part a live rank of another run still writes
                inputs.push_back(part);
            }
            mergeSessions(inputs, out);
            for (const std::string& part : parts) std::filesystem::remove(part);
        }
        writer = reopenForResume(out, earlier);
        p = earlier.parameters;
        p.threads = static_cast<int>(a.integer("threads", 0));
        done = earlier.finishedStarts();
        std::fprintf(stderr, "resuming %s: %zu of %d starts finished, %zu DWPs kept%s\n", out.c_str(), done.size(),
                     p.starts, static_cast<std::size_t>(std::count(earlier.doubleWellStartFinished.begin(),
                                                                   earlier.doubleWellStartFinished.end(), true)),
                     parts.empty() ? "" : (" (merged " + std::to_string(parts.size()) + " part files of an MPI run)").c_str());
    } else {
        p = parametersFrom(a);
        if (std::filesystem::is_directory(out)) throw InputError(out + " is a directory; --out needs a file name (e.g. run.tls.h5)");
        if (std::filesystem::exists(out) && !a.has("overwrite"))
            throw InputError(out + " exists; use --resume to continue it or --overwrite to replace it");
        lock = std::make_unique<SessionLock>(out);
        const bool existed = std::filesystem::exists(out);
        try {
            writer = std::make_unique<SessionWriter>(out, p);
        } catch (const InputError&) {
            std::error_code ec;
            if (!existed) std::filesystem::remove(out, ec); // no 0-byte file that blocks the rerun
            throw;
        }
    }
    Search search(p);
    CliObserver observer(*writer, a.has("quiet"));
    const bool complete = runStoppable(search, observer, done);
    writer->close();
    // Rows were appended as the starts finished (an order that depends on the threads): a
    // finished run is rewritten in the canonical order, so the same seed gives the same file.
    if (complete) canonicalizeSession(out);
    const SearchProgress& pr = observer.last();
    if (!a.has("quiet")) std::fputc('\n', stderr);
    printSearchSummary(out, p, pr.attemptsDone, pr.elapsedSeconds, "tlscope-cli search --out " + out + " --resume", complete);
    return complete ? 0 : 130;
}

int calibrateCommand(const Args& args) {
    std::vector<OptionSpec> options = runOptions();
    options.push_back({"temperatures", "LIST", "kick temperatures to scan, comma separated", "0.2,0.3,0.4,0.5", false});
    options.push_back({"steps", "LIST", "NVE step counts to scan, comma separated", "100,300,1000", false});
    options.push_back({"threads", "P", "worker threads (0 = all cores)", "0", false});
    Arguments a("calibrate", "Scans T_search x N_search on a few starting minima (attempts only, no saddles) and\n"
                             "reports the yield of distinct nearby minima per start, to pick the paper's\n"
                             "\"largest number of minima\" setting. Use small --starts and --attempts.",
                options);
    if (!a.parse(args)) return 0;
    SearchParameters p = parametersFrom(a);
    if (!a.has("starts")) p.starts = 4;
    if (!a.has("attempts")) p.attempts = 100;
    auto list = [&](const std::string& name) {
        std::vector<double> v;
        std::stringstream in(a.get(name));
        std::string item;
        while (std::getline(in, item, ',')) {
            try {
                std::size_t used = 0;
                v.push_back(std::stod(item, &used));
                if (used != item.size()) throw std::invalid_argument(item);
            } catch (const std::exception&) {
                throw InputError("calibrate: --" + name + " expects numbers separated by commas, got '" + item + "'");
            }
        }
        if (v.empty()) throw InputError("calibrate: --" + name + " is empty");
        return v;
    };
    const std::vector<double> temps = list("temperatures");
    std::vector<long> steps;
    for (double s : list("steps")) {
        if (s < 1 || s != std::floor(s)) throw InputError("calibrate: --steps must be positive integers");
        steps.push_back(static_cast<long>(s));
    }
    std::fprintf(stderr, "calibrating on %d starts x %d attempts per point, %zu points\n", p.starts, p.attempts,
                 temps.size() * steps.size());
    const auto points = calibrate(p, temps, steps, [](int done, int total) {
        std::fprintf(stderr, "  point %d/%d done\n", done, total);
    });
    std::printf("%8s %8s %16s %12s %12s %12s\n", "T_search", "N_search", "minima/start", "returned", "outside", "ms/attempt");
    const CalibrationPoint* best = nullptr;
    for (const auto& c : points) {
        std::printf("%8.3f %8ld %16.2f %11.1f%% %11.1f%% %12.2f\n", c.tSearch, c.nSearch, c.distinctMinimaPerStart,
                    100 * c.returnedFraction, 100 * c.tooFarFraction, 1e3 * c.secondsPerAttempt);
        if (!best || c.distinctMinimaPerStart > best->distinctMinimaPerStart) best = &c;
    }
    if (best)
        std::printf("largest yield: --t-search %g --n-search %ld (%.2f distinct minima per start in %d attempts)\n",
                    best->tSearch, best->nSearch, best->distinctMinimaPerStart, p.attempts);
    return 0;
}

int analyzeCommand(const Args& args) {
    Arguments a("analyze", "The analyses of PHYSICS.md §7 for a session file (also one still being written):\n"
                           "DWPs per starting minimum, central-B share, Table I, Fig. 1/2/6 histograms,\n"
                           "low-asymmetry densities, TLS density, same-central-particle fraction. For an\n"
                           "exploration (`explore`): its walk (quenches, distinct IS, transitions, saturation),\n"
                           "DWP and TLS densities per particle, per m^3 and per J per m^3, the cumulative n(E_qs).\n"
                           "--compare: several explorations grouped by their glasses' T_f, means and errors.\n"
                           "usage: tlscope-cli analyze run.tls.h5 [--json FILE] [--csv FILE]\n"
                           "       tlscope-cli analyze --compare a.tls.h5 b.tls.h5 ... [--csv FILE]",
                {{"json", "FILE", "write every number as JSON ('-' for stdout)", "", false},
                 {"csv", "FILE", "write the histograms and profiles (with --compare: the T_f table) as CSV", "", false},
                 {"compare", "", "compare explorations: TLS density against T_f", "", false},
                 {"quenches", "Q", "explorations: analyse as if each walk had stopped after Q quenches (saturation; walks of different lengths)", "", false},
                 {"eqs-window", "E", "--compare: the E_qs window (eps) of the low-E_qs density n0 (default: 4 x the model's TLS threshold)", "", false}});
    if (!a.parse(args)) return 0;
    if (a.has("compare")) {
        if (a.positional().empty()) throw InputError("analyze --compare: give the exploration session files");
        std::vector<ExplorationSummary> sessions;
        for (const std::string& path : a.positional()) {
            const SessionData s = readSession(path, {false, false});
            sessions.push_back(summarizeExploration(a.has("quenches") ? truncateExploration(s, a.integer("quenches", 0, 1'000'000'000)) : s));
        }
        for (const ExplorationSummary& e : sessions)
            std::printf("%s: T_f %s, N %d, %ld quenches, %ld IS, pairs %ld/%s, %ld DWPs, %ld TLS%s\n", e.path.c_str(), e.fictiveTemperature.c_str(),
                        e.particles, e.quenches - 1, e.distinctMinima, e.analysedPairs,
                        e.candidatePairs < 0 ? "?" : std::to_string(e.candidatePairs).c_str(), e.doubleWells, e.tls,
                        e.candidatePairs < 0 || e.analysedPairs < e.candidatePairs ? " (partial)" : "");
        const auto groups = groupByFictiveTemperature(sessions, a.has("eqs-window") ? a.positive("eqs-window") : 0.0);
        std::cout << "\n" << formatComparison(groups);
        if (a.has("csv")) {
            writeFileSafely(a.get("csv"), [&](std::ostream& out) { out << comparisonCsv(groups); });
            std::printf("wrote %s\n", a.get("csv").c_str());
        }
        return 0;
    }
    if (a.positional().size() != 1) throw InputError("analyze: give exactly one session file (see --help)");
    const SessionData read = readSession(a.positional()[0], {false, false});
    const SessionData s = a.has("quenches") ? truncateExploration(read, a.integer("quenches", 0, 1'000'000'000)) : read;
    const CatalogAnalysis an = analyzeCatalog(s);
    auto write = [](const std::string& path, const std::string& text) {
        if (path == "-") {
            std::cout << text;
            return;
        }
        writeFileSafely(path, [&](std::ostream& out) { out << text; });
    };
    if (a.get("json") == "-") {
        write("-", toJson(an));
        return 0;
    }
    std::cout << "session " << s.path << " (" << s.creator << ", seed " << s.parameters.seed << ", "
              << (s.complete() ? "complete" : "incomplete") << ")\n";
    if (s.exploration) std::cout << formatExploration(summarizeExploration(s)) << "\nThe DWP catalog:\n";
    std::cout << formatReport(an);
    if (a.has("json")) write(a.get("json"), toJson(an));
    if (a.has("csv")) write(a.get("csv"), toCsv(an));
    return 0;
}

int reportCommand(const Args& args) {
    // The figures are drawn with Qt Charts, which the CLI does not link (cluster nodes need no
    // GUI libraries): the work is done by tlscope-report, installed beside tlscope-cli.
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::filesystem::path helper = (ec ? std::filesystem::path(".") : self.parent_path()) / "tlscope-report";
    if (!std::filesystem::exists(helper))
        throw InputError("report needs " + helper.string() + ", which is built with the GUI (Qt 6 Charts); this build "
                         "has none (configure with -DTLSCOPE_BUILD_GUI=ON)");
    std::vector<std::string> storage{helper.string()};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    execv(helper.c_str(), argv.data());
    throw InputError("cannot run " + helper.string() + ": " + std::strerror(errno));
}

int repathCommand(const Args& args) {
    Arguments a("repath",
                "Re-resolves the reaction path and the quantum levels (E_qs, where the levels live, Delta,\n"
                "Delta0, TLS) of every DWP of a search session with this build's engine, from the stored\n"
                "saddles and minima: no search or saddle is repeated. Writes a new session file; the input is\n"
                "not changed. For catalogs written before an engine fix (docs/quantum.md: before session 11\n"
                "a last path step into a minimum could translate the system; E_qs of ~4 % of the DWPs was off,\n"
                "by up to 12 %). Prints how many E_qs changed and the TLS before and after.\n"
                "usage: tlscope-cli repath run.tls.h5 --out new.tls.h5",
                {{"out", "FILE", "session file to write (not the input)", "", true},
                 {"threads", "P", "worker threads (0 = all cores); never changes the results", "0", false},
                 {"overwrite", "", "replace an existing --out file", "", false}});
    if (!a.parse(args)) return 0;
    if (a.positional().size() != 1) throw InputError("repath: give exactly one session file (see --help)");
    const std::string in = a.positional()[0], out = a.get("out");
    std::error_code ec;
    if (std::filesystem::equivalent(in, out, ec))
        throw InputError("repath: --out must be a new file, not the input " + in + " (the input is kept as it is)");
    if (std::filesystem::exists(out) && !a.has("overwrite")) throw InputError(out + " exists; use --overwrite to replace it");
    SessionData s = readSession(in);
    if (s.exploration) throw InputError(in + ": an exploration session; repath works on search sessions");
    if (!s.complete())
        std::printf("%s: %zu of %d starts finished; the new file holds those (resume the run first to keep all)\n",
                    in.c_str(), s.starts.size(), s.parameters.starts);
    const DoubleWellOptions options = s.parameters.doubleWellOptions();
    std::map<int, const StartingStructure*> startOf;
    for (const StartingStructure& st : s.starts) startOf[st.start] = &st;
    std::vector<DwpRecord>& dwps = s.doubleWells;
    std::vector<std::string> failures(dwps.size());
    std::vector<double> before(dwps.size());
    std::vector<char> tlsBefore(dwps.size());
    for (std::size_t k = 0; k < dwps.size(); ++k) before[k] = dwps[k].dwp.quantum.splitting, tlsBefore[k] = dwps[k].dwp.isTls;
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t k; (k = next.fetch_add(1)) < dwps.size();) {
            DwpRecord& r = dwps[k];
            const auto it = startOf.find(r.start);
            if (it == startOf.end() || !s.doubleWellStartFinished[k]) continue; // not copied
            PairPotential pot(s.parameters.model, r.species, it->second->boxLength, NeighbourMethod::Auto, 0.3, r.diameters);
            DoubleWell w = r.dwp;
            std::string reason;
            if (resolveDoubleWellLevels(pot, w, relativeMasses(s.parameters.model, r.species), options, reason)) r.dwp = std::move(w);
            else failures[k] = reason;
        }
    };
    const long requested = a.integer("threads", 0);
    const int threads = std::max(1, static_cast<int>(requested > 0 ? requested : std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    int changed = 0, kept = 0, tlsNow = 0, tlsThen = 0;
    double largest = 0.0;
    std::size_t copied = 0;
    for (std::size_t k = 0; k < dwps.size(); ++k) {
        if (!s.doubleWellStartFinished[k]) continue;
        ++copied;
        if (!failures[k].empty()) {
            ++kept;
            std::printf("DWP %zu (start %d, minimum %d) kept as stored: %s\n", k, dwps[k].start, dwps[k].minimum, failures[k].c_str());
        }
        const double rel = std::abs(dwps[k].dwp.quantum.splitting / before[k] - 1.0);
        if (rel > 1e-6) ++changed;
        largest = std::max(largest, rel);
        tlsNow += dwps[k].dwp.isTls, tlsThen += tlsBefore[k];
    }
    writeFinishedSession(s, out);
    std::printf("session        %s -> %s\n", in.c_str(), out.c_str());
    std::printf("DWPs           %zu re-resolved, %d kept as stored\n", copied - static_cast<std::size_t>(kept), kept);
    std::printf("E_qs changed   %d by more than 1e-6 (largest relative change %.3g)\n", changed, largest);
    std::printf("TLS            %d before, %d now\n", tlsThen, tlsNow);
    return 0;
}

int exportCommand(const Args& args) {
    Arguments a("export", "Exports from a session file: the DWP table as CSV; one DWP's minimum 1, saddle\n"
                          "and minimum 2 as extended XYZ; or its whole resolved path as a multi-frame\n"
                          "extended XYZ trajectory (OVITO plays it). Frames are aligned to minimum 1, so no\n"
                          "particle jumps across the box, and carry a displacement column.\n"
                          "usage: tlscope-cli export run.tls.h5 --csv table.csv | --dwp K --xyz dwp.xyz | --dwp K --path path.xyz",
                {{"csv", "FILE", "write the DWP table", "", false},
                 {"dwp", "K", "DWP index (row of the table, from 0)", "0", false},
                 {"xyz", "FILE", "write the DWP (minimum 1, saddle, minimum 2) as extended XYZ", "", false},
                 {"path", "FILE", "write the DWP's path (25 frames along the reaction path) as extended XYZ", "", false}});
    if (!a.parse(args)) return 0;
    if (a.positional().size() != 1) throw InputError("export: give exactly one session file (see --help)");
    if (!a.has("csv") && !a.has("xyz") && !a.has("path"))
        throw InputError("export: nothing to do; give --csv FILE, --xyz FILE and/or --path FILE");
    const SessionData s = readSession(a.positional()[0], {false, a.has("xyz") || a.has("path")});
    if (a.has("csv")) {
        writeDoubleWellCsv(s, a.get("csv"));
        std::printf("wrote %s (%zu DWPs)\n", a.get("csv").c_str(), s.doubleWells.size());
    }
    if (a.has("xyz")) {
        writeDoubleWellXyz(s, static_cast<std::size_t>(a.integer("dwp", 0)), a.get("xyz"));
        std::printf("wrote %s (minimum 1, saddle, minimum 2)\n", a.get("xyz").c_str());
    }
    if (a.has("path")) {
        writeDoubleWellPathXyz(s, static_cast<std::size_t>(a.integer("dwp", 0)), a.get("path"));
        std::printf("wrote %s (%d frames along the reaction path)\n", a.get("path").c_str(), kStoredPathImages);
    }
    return 0;
}

} // namespace tlscope::cli
