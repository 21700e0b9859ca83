// explore: the metabasin of a glass by low-temperature MD and frequent quenches (Khomenko et
// al. 2020, Mocanu et al. 2023), the DWP analysis of the transitions it saw, one session file
// per glass and run. Several glasses and independent runs go in parallel; every run is
// checkpointed and continues with --resume to the result it would have had.
#include "app/cli/Arguments.h"
#include "app/cli/Commands.h"
#include "app/cli/Mpi.h"
#include "core/common/Error.h"
#include "core/explore/ExplorationSession.h"
#include "core/io/ConfigurationFile.h"
#include "core/io/ExtendedXyz.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace tlscope::cli {

namespace {
std::atomic<bool> stopRequested{false};
void onSignal(int) { stopRequested = true; }
std::mutex printMutex;

/// The model a glass file names (model=... in its header), if it is a preset.
std::string modelNamedBy(const std::string& path) {
    if (detectConfigurationFormat(path) != ConfigurationFormat::Xyz) return {};
    const XyzFrame f = readXyzFile(path);
    const auto it = f.info.find("model");
    const auto presets = Model::presetNames();
    return it != f.info.end() && std::find(presets.begin(), presets.end(), it->second) != presets.end() ? it->second : std::string();
}

std::string fictiveTemperatureOf(const std::string& path) {
    if (detectConfigurationFormat(path) != ConfigurationFormat::Xyz) return "?";
    const XyzFrame f = readXyzFile(path);
    const auto it = f.info.find("t_f");
    return it != f.info.end() ? it->second : std::string("?");
}

struct Job {
    std::string input, out, label;
    int run = 0;
};

struct JobOptions {
    bool quiet = false, tty = false, resume = false;
    double checkpointEvery = 60.0; ///< seconds between walk checkpoints (0: none)
    bool prefixed = false;         ///< several jobs: progress lines name theirs
};

struct JobResult {
    std::size_t quenches = 0, distinct = 0, transitions = 0, pairs = 0;
    int dwps = 0, tls = 0, rejected = 0, particles = 0;
    bool stopped = false, skipped = false;
    double seconds = 0.0;
    std::string error;
};

JobResult runJob(const Job& job, const ExploreParameters& p, const LoadedConfiguration& glass, const JobOptions& o) {
    JobResult res;
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    auto say = [&](const char* fmt, auto... args) {
        std::lock_guard lock(printMutex);
        if (o.prefixed) std::fprintf(stderr, "[%s] ", job.label.c_str());
        std::fprintf(stderr, fmt, args...);
    };
    ExplorationSessionOptions so;
    so.inputPath = job.input;
    so.resume = o.resume;
    so.checkpointEvery = o.checkpointEvery;
    so.stop = &stopRequested;
    ExplorationSessionHooks hooks;
    hooks.message = [&](const std::string& m) { say("%s\n", m.c_str()); };
    const long quenches = p.walk.steps / p.walk.quenchEvery;
    double lastPrint = -1e9;
    std::size_t firstQuench = 0;
    bool firstSeen = false;
    hooks.walk.quenched = [&](std::size_t quench, int, bool, const MetabasinWalk& w) {
        if (!firstSeen) firstSeen = true, firstQuench = quench;
        if (o.quiet || (elapsed() - lastPrint < (o.tty && !o.prefixed ? 0.5 : 10.0) && quench < static_cast<std::size_t>(quenches))) return;
        lastPrint = elapsed();
        const double rate = double(quench - firstQuench) / std::max(1e-9, elapsed());
        const bool inPlace = o.tty && !o.prefixed;
        say("%sexplore: quench %zu/%ld  distinct IS %zu  transitions %zu  %.1f quenches/s  ETA %.0f s%s", inPlace ? "\r" : "", quench,
            quenches, w.minima.size(), w.transitions.size(), rate, rate > 0 ? double(quenches - long(quench)) / rate : 0.0, inPlace ? "   " : "\n");
    };
    hooks.walked = [&](const MetabasinWalk& w, std::size_t candidates) {
        std::lock_guard lockPrint(printMutex);
        if (o.tty && !o.quiet && !o.prefixed) std::fprintf(stderr, "\n");
        if (o.prefixed) std::printf("[%s] ", job.label.c_str());
        std::printf("walk: %zu quenches, %zu distinct IS, %zu transitions, %zu candidate pairs, %d failed quenches, %.1f s\n", w.sequence.size(),
                    w.minima.size(), w.transitions.size(), candidates, w.failedQuenches, elapsed());
        std::fflush(stdout);
    };
    hooks.analysed = [&](const PairAnalysis& pa, std::size_t index, std::size_t total, const DwpRecord*) {
        if (!o.quiet)
            say("pair %zu/%zu: IS %d - IS %d: %s\n", index + 1, total, pa.first, pa.second,
                pa.accepted ? (pa.dwp.isTls ? "DWP, TLS" : "DWP") : ("rejected: " + pa.reason).c_str());
    };
    const ExplorationSessionResult r = exploreToSession(glass.conf, p, job.out, so, hooks);
    res.quenches = r.quenches, res.distinct = r.distinct, res.transitions = r.transitions, res.pairs = r.pairs;
    res.dwps = r.dwps, res.tls = r.tls, res.rejected = r.rejected, res.particles = r.particles;
    res.stopped = r.stopped, res.skipped = r.alreadyComplete;
    res.seconds = elapsed();
    return res;
}
} // namespace

int exploreCommand(const Args& args) {
    Arguments a("explore",
                "Explores the metabasin of a glass: Langevin MD at --t-explore from the glass, a quench\n"
                "(L-BFGS) every --quench-every steps, the distinct inherent structures (PHYSICS.md §3) and\n"
                "every transition between successive ones; then each pair of IS seen in succession (and,\n"
                "with --pair-asymmetry, every pair closer in energy than that) goes through the DWP analysis\n"
                "of the search (saddle, Hessian index, descents, resolved path, 1D Schroedinger equation).\n"
                "A DWP is a TLS when E_qs is below the model's threshold (soft spheres 0.00151 eps, KA 1 K).\n"
                "Writes one session file per glass and run (the walk, then every analysed pair with its\n"
                "verdict); the GUI and analyze open it. Several glasses (more files after the options) and\n"
                "--runs independent runs per glass go in parallel; run k of a glass uses random stream k of\n"
                "--seed. Same seed, same result, for any --threads. A stopped or killed run continues with\n"
                "the same command plus --resume (the walk from its last checkpoint, then the pairs not yet\n"
                "analysed) and ends with the result the uninterrupted run would have had.\n"
                "usage: tlscope-cli explore --input glass.xyz --t-explore T --out run.tls.h5 [options]\n"
                "       tlscope-cli explore --t-explore T --runs R --out dir/ [options] a.xyz b.xyz ...",
                {{"input", "FILE", "the glass (extended XYZ, LAMMPS data or dump; e.g. made by prepare); more glasses may follow the options", "", false},
                 {"model", "M", "model preset or file (default: the one the glass file names, else soft-spheres)", "", false},
                 {"t-explore", "T", "temperature of the exploration MD", "", true},
                 {"quench-every", "K", "MD steps between quenches", "100", false},
                 {"time", "t", "MD time in all (steps = time / dt)", "100", false},
                 {"dt", "DT", "MD time step", "0.01", false},
                 {"friction", "G", "Langevin friction", "1", false},
                 {"pair-asymmetry", "E", "also analyse every pair of distinct IS with |E_i - E_j| below this (0: only successive pairs)", "0", false},
                 {"saddle", "METHOD", "neb or ridge", "neb", false},
                 {"irc-step", "H", "step of the resolved reaction path (docs/quantum.md)", "0.004", false},
                 {"min-barrier", "B", "pairs whose smaller barrier is below this are shoulders", "1e-05", false},
                 {"seed", "X", "random seed", "1", false},
                 {"runs", "R", "independent runs per glass (random streams 0..R-1 of --seed)", "1", false},
                 {"t-f", "T", "the glass's fictive temperature, for analyze --compare (default: T_f from the glass file's header)", "", false},
                 {"threads", "P", "threads (0: all cores): runs in parallel, the rest for each run's pair analyses; never changes the result", "0", false},
                 {"checkpoint-every", "S", "seconds between walk checkpoints (FILE.walk beside the session; 0: none)", "60", false},
                 {"out", "FILE", "session file (*.tls.h5); with several glasses or runs a directory for GLASS[-rK].tls.h5", "", true},
                 {"resume", "", "continue unfinished sessions in --out (same options), skip finished ones", "", false},
                 {"overwrite", "", "replace existing --out files", "", false},
                 {"quiet", "", "no progress lines", "", false}});
    if (!a.parse(args)) return 0;
    std::vector<std::string> inputs;
    if (a.has("input")) inputs.push_back(a.get("input"));
    for (const std::string& g : a.positional()) inputs.push_back(g);
    if (inputs.empty()) throw InputError("explore: give the glass (--input FILE, or files after the options)");
    const int runs = static_cast<int>(a.integer("runs", 1, 100000));
    const std::string out = a.get("out");
    const bool several = inputs.size() > 1 || runs > 1;
    const bool resume = a.has("resume"), overwrite = a.has("overwrite");
    if (resume && overwrite) throw InputError("explore: --resume and --overwrite exclude each other");

    ExploreParameters base;
    base.walk.temperature = a.positive("t-explore");
    base.walk.quenchEvery = a.integer("quench-every", 1, 1'000'000'000);
    base.walk.timeStep = a.positive("dt");
    const double time = a.positive("time");
    if (time / base.walk.timeStep > 1e10) throw InputError("explore: --time / --dt is more than 1e10 steps");
    base.walk.steps = std::llround(time / base.walk.timeStep);
    base.walk.friction = a.positive("friction");
    base.walk.seed = a.seed("seed");
    base.pairAsymmetry = a.number("pair-asymmetry");
    base.saddleMethod = parseSaddleMethod(a.get("saddle"));
    base.ircStep = a.positive("irc-step");
    base.minimumBarrier = a.number("min-barrier");
    const int threads = static_cast<int>(a.integer("threads", 0, 4096));
    const double checkpointEvery = a.number("checkpoint-every");
    if (!(checkpointEvery >= 0.0)) throw InputError("explore: --checkpoint-every must be >= 0 seconds");

    // Every glass read and checked, every output decided, before anything runs.
    struct Prepared {
        Job job;
        ExploreParameters p;
        std::shared_ptr<LoadedConfiguration> glass;
    };
    std::vector<Prepared> jobs;
    Mpi& mpi = Mpi::world();
    // Under mpirun every rank checks the same inputs: an error is reported once (rank 0).
    mpi.collectively([&] {
        if (several) {
            if (std::filesystem::exists(out) && !std::filesystem::is_directory(out))
                throw InputError(out + " is a file; with several glasses or --runs, --out names a directory");
            std::error_code ec;
            std::filesystem::create_directories(out, ec);
            if (ec) throw InputError(out + ": cannot create the output directory: " + ec.message());
        } else if (std::filesystem::is_directory(out)) {
            throw InputError(out + " is a directory; --out needs a file name (e.g. run.tls.h5)");
        }
        std::set<std::string> outs;
        for (const std::string& input : inputs) {
            std::string modelName = a.get("model");
            if (modelName.empty()) modelName = modelNamedBy(input);
            if (modelName.empty()) modelName = "soft-spheres";
            ExploreParameters p = base;
            p.model = Model::fromNameOrFile(modelName);
            auto glass = std::make_shared<LoadedConfiguration>(readConfigurationFile(input, p.model));
            for (const auto& w : glass->warnings) std::fprintf(stderr, "warning: %s: %s\n", input.c_str(), w.c_str());
            p.glassFictiveTemperature = a.has("t-f") ? a.get("t-f") : fictiveTemperatureOf(input);
            const int n = glass->conf.size();
            if (std::abs(glass->conf.boxLength - p.model.boxLengthFor(n)) > 1e-9 * glass->conf.boxLength)
                throw InputError(input + ": box edge " + std::to_string(glass->conf.boxLength) + " is not model '" + p.model.name +
                                 "''s " + std::to_string(p.model.boxLengthFor(n)) + " at density " + std::to_string(p.model.density));
            std::string stem = std::filesystem::path(input).filename().string();
            for (const char* ext : {".xyz", ".data", ".dump", ".lammpstrj"})
                if (stem.size() > std::strlen(ext) && stem.compare(stem.size() - std::strlen(ext), std::string::npos, ext) == 0) {
                    stem.resize(stem.size() - std::strlen(ext));
                    break;
                }
            for (int run = 0; run < runs; ++run) {
                Prepared j;
                j.p = p;
                j.p.walk.run = static_cast<std::uint64_t>(run);
                j.p.validate();
                j.glass = glass;
                j.job.input = input, j.job.run = run;
                j.job.label = stem + (runs > 1 ? "-r" + std::to_string(run) : std::string());
                j.job.out = several ? (std::filesystem::path(out) / (j.job.label + ".tls.h5")).string() : out;
                if (!outs.insert(j.job.out).second)
                    throw InputError("explore: two glasses would write " + j.job.out + " (same file name); rename one");
                if (std::filesystem::exists(j.job.out) && !resume && !overwrite)
                    throw InputError(j.job.out + " exists; use --resume to continue it or --overwrite to replace it");
                jobs.push_back(std::move(j));
            }
        }
    });

    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // Under mpirun every P-th job is this rank's, and the node's cores are shared by its ranks.
    std::vector<bool> mine(jobs.size());
    std::size_t mineCount = 0;
    for (std::size_t k = 0; k < jobs.size(); ++k)
        if ((mine[k] = static_cast<int>(k % static_cast<std::size_t>(mpi.size())) == mpi.rank())) ++mineCount;
    const int budget = threads > 0 ? threads : std::max(1, hw / std::max(1, mpi.localSize()));
    const int parallel = std::max(1, std::min<int>(budget, static_cast<int>(std::max<std::size_t>(1, mineCount))));
    for (Prepared& j : jobs) j.p.threads = std::max(1, budget / parallel);
    JobOptions o;
    o.quiet = a.has("quiet"), o.tty = isatty(2), o.resume = resume, o.checkpointEvery = checkpointEvery, o.prefixed = jobs.size() > 1;

    const Prepared& first = jobs.front();
    if (mpi.rank() == 0)
        std::printf("explore: %zu glass%s x %d run%s; model %s, T = %g, a quench every %ld steps (dt %g), %ld quenches each, seed %llu\n",
                inputs.size(), inputs.size() == 1 ? "" : "es", runs, runs == 1 ? "" : "s", first.p.model.name.c_str(), base.walk.temperature,
                base.walk.quenchEvery, base.walk.timeStep, base.walk.steps / base.walk.quenchEvery, static_cast<unsigned long long>(base.walk.seed));
    if (mpi.parallel() && mpi.rank() == 0)
        std::printf("explore: %zu jobs over %d ranks (every %d-th to each), %d thread%s per rank\n", jobs.size(), mpi.size(),
                    mpi.size(), budget, budget == 1 ? "" : "s");
    std::fflush(stdout);

    stopRequested = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::vector<JobResult> results(jobs.size());
    std::vector<std::exception_ptr> errors(jobs.size());
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t k; (k = next++) < jobs.size() && !stopRequested;) {
            if (!mine[k]) continue;
            try {
                results[k] = runJob(jobs[k].job, jobs[k].p, *jobs[k].glass, o);
            } catch (const std::exception& e) {
                results[k].error = e.what();
                errors[k] = std::current_exception();
                if (jobs.size() == 1 && !mpi.parallel()) continue; // reported by the caller with its exit code
                std::lock_guard lock(printMutex);
                std::fprintf(stderr, "explore: %s: %s\n", jobs[k].job.out.c_str(), e.what());
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < parallel; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);

    if (jobs.size() == 1 && errors[0] && !mpi.parallel()) std::rethrow_exception(errors[0]);
    bool stopped = stopRequested.load(), failed = false;
    // Each job's lines; under mpirun rank 0 prints every rank's, in job order.
    std::string lines; // this rank's jobs in order, each ended by '\x1e'
    char buf[1024];
    auto print = [&](auto... args) {
        std::snprintf(buf, sizeof buf, args...);
        lines += buf;
    };
    for (std::size_t k = 0; k < jobs.size(); ++k) {
        if (!mine[k]) continue;
        struct EndJob {
            std::string& text;
            ~EndJob() { text += '\x1e'; }
        } endJob{lines};
        const JobResult& r = results[k];
        const Prepared& j = jobs[k];
        if (!r.error.empty()) {
            failed = true;
            print("%s: failed: %s\n", j.job.out.c_str(), r.error.c_str());
            continue;
        }
        if (r.stopped || (r.particles == 0 && !r.skipped)) {
            stopped = true;
            print("%s: stopped; it keeps what was done; continue with the same command and --resume\n", j.job.out.c_str());
            continue;
        }
        print("%s: walk %zu quenches, %zu distinct IS, %zu transitions; pairs: %zu analysed, %d DWPs, %d TLS (E_qs < %g eps = %g K "
                    "with the model's units), %d rejected%s\n",
                    j.job.out.c_str(), r.quenches, r.distinct, r.transitions, r.pairs, r.dwps, r.tls, j.p.model.tlsThreshold,
                    j.p.model.units.toKelvin(j.p.model.tlsThreshold), r.rejected, r.skipped ? " (already complete)" : "");
        print("  per particle: %.4g DWPs, %.4g TLS; time %.1f s\n", double(r.dwps) / r.particles, double(r.tls) / r.particles, r.seconds);
    }
    const std::vector<std::string> all = mpi.gather(lines);
    if (mpi.rank() == 0) {
        // Rank r did jobs r, r + P, ...: interleave their texts back into job order.
        std::vector<std::vector<std::string>> byRank(all.size());
        for (std::size_t r = 0; r < all.size(); ++r) {
            std::istringstream in(all[r]);
            for (std::string block; std::getline(in, block, '\x1e');) byRank[r].push_back(block);
        }
        for (std::size_t k = 0; k < jobs.size(); ++k) {
            const auto& blocks = byRank[k % byRank.size()];
            if (const std::size_t i = k / byRank.size(); i < blocks.size()) std::fputs(blocks[i].c_str(), stdout);
        }
    }
    failed = !mpi.allTrue(!failed);
    stopped = !mpi.allTrue(!stopped);
    if (failed) return 3;
    if (stopped) {
        std::fprintf(stderr, "explore: stopped; the sessions keep what was done; continue with --resume\n");
        return 130;
    }
    return 0;
}

} // namespace tlscope::cli
