// prepare: glasses made by swap Monte Carlo (PHYSICS.md §2; Ninarello et al. 2017), cooled
// from a high temperature to T_f and equilibrated there, one or several in parallel.
#include "app/cli/Arguments.h"
#include "app/cli/Commands.h"
#include "app/cli/Mpi.h"
#include "core/common/Error.h"
#include "core/dynamics/SwapMonteCarlo.h"
#include "core/io/Checkpoint.h"
#include "core/io/ConfigurationFile.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/SafeWrite.h"
#include "core/landscape/Minimizer.h"
#include "core/model/Model.h"
#include "core/potential/PairPotential.h"
#include "core/search/Search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <sstream>
#include <optional>
#include <map>
#include <fstream>
#include <filesystem>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace tlscope::cli {

namespace {

/// glass.xyz -> glass-003.xyz for glass 3 of several.
std::string numbered(const std::string& path, int index, int count) {
    if (count == 1) return path;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "-%03d", index);
    const auto dot = path.find_last_of('.');
    const auto slash = path.find_last_of('/');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path + suffix;
    return path.substr(0, dot) + suffix + path.substr(dot);
}

} // namespace

int prepareCommand(const Args& args) {
    Arguments a("prepare",
                "Prepares glasses by swap Monte Carlo: a random fcc start, melted and cooled linearly from\n"
                "--t-start to --t-f over --cool-sweeps (the translation step is tuned towards 40 %\n"
                "acceptance during cooling only), then --sweeps at T_f with every parameter fixed, so\n"
                "that detailed balance holds in production. A move is, with probability --p-swap, an\n"
                "exchange of the species of two random particles (only --swap-pairs, if given) or,\n"
                "for soft spheres, of their diameters (rejected outright when they differ by more\n"
                "than 0.2), otherwise a random translation; Metropolis acceptance; a sweep is N moves, each\n"
                "costing O(neighbours). Prints acceptances, the energy and its check against a full\n"
                "recomputation; writes each glass (extended XYZ, or a LAMMPS data file for *.data).",
                {{"model", "M", "model preset or model file: ka2, soft-spheres, ...", "ka2", false},
                 {"n", "N", "particles", "1500", false},
                 {"t-start", "T", "temperature the cooling starts from (auto: 2.0, soft spheres 0.3, both ~3 T_MCT or more)", "auto", false},
                 {"t-f", "T", "preparation (fictive) temperature of the glass", "", true},
                 {"cool-sweeps", "S", "sweeps of linear cooling from --t-start to --t-f", "1000", false},
                 {"sweeps", "S", "sweeps of production at --t-f", "", true},
                 {"p-swap", "P", "probability that a move is a swap", "0.2", false},
                 {"step", "D", "initial maximum displacement per coordinate", "0.12", false},
                 {"no-tune", "", "keep --step (no tuning during cooling)", "", false},
                 {"swap-pairs", "LIST", "allowed swaps, e.g. A-C,B-C for ka2 (default: any two different species; A-B swaps of ka2 are almost never accepted)", "", false},
                 {"q", "Q", "wavenumber of F_s(q, t) (auto: first peak of S(q), 7.25 at density 1.2, scaled as density^(1/3))", "auto", false},
                 {"glasses", "K", "independent glasses (seed streams 0..K-1)", "1", false},
                 {"threads", "P", "worker threads (0: all cores); never changes the glasses", "0", false},
                 {"seed", "X", "random seed", "1", false},
                 {"checkpoint-every", "S", "write FILE.checkpoint.xyz every S sweeps while a glass runs (0: never); removed when it is done", "1000", false},
                 {"resume", "", "continue each unfinished glass from its checkpoint (same settings), skip finished ones", "", false},
                 {"snapshots", "S", "append the configuration every S sweeps to FILE-snapshots.xyz (a movie of the annealing; 0: none)", "0", false},
                 {"log", "FILE", "write glass,sweep,temperature,energy_per_particle rows", "", false},
                 {"out", "FILE", "glass file (several glasses: FILE-000.xyz, ...)", "", true}});
    if (!a.parse(args)) return 0;
    const Model model = Model::fromNameOrFile(a.get("model"));
    model.requireOneCopy("prepare");
    const int n = static_cast<int>(a.integer("n", 2, 10'000'000));
    SwapPreparationParameters p;
    p.startTemperature = a.get("t-start") == "auto" ? (model.perParticleDiameters() ? 0.3 : 2.0) : a.positive("t-start");
    p.relaxationWavenumber = a.get("q") == "auto" ? 7.25 * std::cbrt(model.density / 1.2) : a.positive("q");
    p.finalTemperature = a.positive("t-f");
    p.coolingSweeps = a.integer("cool-sweeps", 0, 1'000'000'000);
    p.sweeps = a.integer("sweeps", 0, 1'000'000'000);
    p.swapProbability = a.number("p-swap");
    if (p.swapProbability < 0.0 || p.swapProbability > 1.0) throw InputError("prepare: --p-swap must be in [0, 1]");
    p.maxDisplacement = a.positive("step");
    p.tune = !a.has("no-tune");
    if (a.has("swap-pairs")) p.allowedSwaps = parseSwapPairs(a.get("swap-pairs"), model);
    p.logEvery = std::max(1L, (p.coolingSweeps + p.sweeps) / 200);
    const int glasses = static_cast<int>(a.integer("glasses", 1, 100000));
    int threads = static_cast<int>(a.integer("threads", 0, 4096));
    // Under mpirun glass g is rank g mod P's, and a node's cores are shared by its ranks.
    Mpi& mpi = Mpi::world();
    auto mine = [&](int g) { return g % mpi.size() == mpi.rank(); };
    int myGlasses = 0;
    for (int g = 0; g < glasses; ++g) myGlasses += mine(g) ? 1 : 0;
    if (threads == 0)
        threads = std::max(1, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) / std::max(1, mpi.localSize()));
    const std::uint64_t seed = a.seed("seed");
    const std::string out = a.get("out");
    const long checkpointEvery = a.integer("checkpoint-every", 0, 1'000'000'000);
    const long snapshotEvery = a.integer("snapshots", 0, 1'000'000'000);
    const bool resume = a.has("resume");
    // What a checkpoint must share with this run to be continued by it.
    std::map<std::string, std::string> identity{{"model", model.name}, {"n", std::to_string(n)}, {"t_start", a.get("t-start")},
                                                {"t_f", a.get("t-f")}, {"cool_sweeps", std::to_string(p.coolingSweeps)},
                                                {"sweeps", std::to_string(p.sweeps)}, {"p_swap", a.get("p-swap")},
                                                {"step", a.get("step")}, {"tune", p.tune ? "yes" : "no"},
                                                {"swap_pairs", a.has("swap-pairs") ? a.get("swap-pairs") : "any"},
                                                {"seed", std::to_string(a.seed("seed"))}};
    checkCutoffFitsBox(model, model.boxLengthFor(n));
    if (p.maxDisplacement >= 0.5 * model.boxLengthFor(n)) throw InputError("prepare: --step must be below half the box");

    if (mpi.rank() == 0)
        std::printf("model %s, N = %d (box %.6g), %d glass%s: cooling %g -> %g in %ld sweeps, %ld sweeps at T_f, p_swap %g\n",
                model.name.c_str(), n, model.boxLengthFor(n), glasses, glasses == 1 ? "" : "es", p.startTemperature,
                p.finalTemperature, p.coolingSweeps, p.sweeps, p.swapProbability);
    std::vector<SwapPreparationResult> results(static_cast<std::size_t>(glasses));
    std::vector<bool> done(static_cast<std::size_t>(glasses), false); ///< finished by an earlier run (--resume)
    std::vector<std::optional<SwapCheckpoint>> checkpoints(static_cast<std::size_t>(glasses));
    for (int g = 0; g < glasses; ++g) {
        const std::string path = numbered(out, g, glasses), cpPath = path + ".checkpoint.xyz";
        if (!resume || !mine(g)) continue;
        std::map<std::string, std::string> id = identity;
        id["glass"] = std::to_string(g);
        if (std::filesystem::exists(cpPath)) {
            checkpoints[static_cast<std::size_t>(g)] = readSwapCheckpoint(cpPath, model, id);
            std::printf("glass %d: resuming from %s at sweep %ld\n", g, cpPath.c_str(), checkpoints[static_cast<std::size_t>(g)]->sweep);
        } else if (std::filesystem::exists(path)) {
            // Kept only if an earlier run of these settings wrote it.
            const XyzFrame f = readXyzFile(path);
            const std::map<std::string, std::string> expected{
                {"model", model.name}, {"t_f", a.get("t-f")}, {"sweeps", std::to_string(p.coolingSweeps) + "+" + std::to_string(p.sweeps)},
                {"seed", std::to_string(seed) + "/" + std::to_string(g)}};
            for (const auto& [k, v] : expected) {
                const auto it = f.info.find(k);
                if (it == f.info.end() || it->second != v)
                    throw InputError("prepare --resume: " + path + " was not made by this run (" + k + " is " +
                                     (it == f.info.end() ? std::string("missing") : it->second) + ", expected " + v +
                                     "); move it away or use another --out");
            }
            done[static_cast<std::size_t>(g)] = true;
            std::printf("glass %d: %s is finished (no checkpoint): kept\n", g, path.c_str());
        }
    }
    std::vector<std::string> errors(static_cast<std::size_t>(glasses));
    // The inherent structure of each glass (L-BFGS to max |F| < 1e-8): its energy per particle
    // is the stability measure the papers compare (it falls as T_f falls).
    std::vector<MinimizationResult> quenches(static_cast<std::size_t>(glasses));
    std::vector<double> progress(static_cast<std::size_t>(glasses), 0.0);
    std::mutex printMutex;
    std::atomic<int> next{0};
    const auto t0 = std::chrono::steady_clock::now();
    const bool tty = isatty(2);
    int lastPercent = -1;
    // Every percent on a terminal (one line rewritten), every 10 % into a log: overall progress,
    // the sweep rate and ETA over all glasses, and the state of the glass that reported last.
    auto report = [&](int g, const SwapPreparationProgress& now) {
        double sum = 0.0;
        for (double f : progress) sum += f;
        const double done = sum / std::max(1, myGlasses);
        const int percent = static_cast<int>(100.0 * done);
        if (percent == lastPercent || (!tty && percent / 10 == lastPercent / 10)) return;
        lastPercent = percent;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double sweepsDone = done * double(myGlasses) * double(p.coolingSweeps + p.sweeps);
        const double rate = sweepsDone / std::max(elapsed, 1e-9);
        const double eta = done > 0.0 ? elapsed * (1.0 - done) / done : 0.0;
        std::fprintf(stderr,
                     tty ? "\rprepare: %3d %%  glass %d sweep %ld/%ld  T %.3f  E/N %.4f  transl. %.0f %%  swaps %.1f %%  %.0f sweeps/s  ETA %.0f s   "
                         : "prepare: %3d %%  glass %d sweep %ld/%ld  T %.3f  E/N %.4f  transl. %.0f %%  swaps %.1f %%  %.0f sweeps/s  ETA %.0f s\n",
                     percent, g, now.sweep, now.totalSweeps, now.temperature, now.energyPerParticle,
                     100.0 * now.translationAcceptance, 100.0 * now.swapAcceptance, rate, eta);
    };
    auto writeGlass = [&](int g) {
        const SwapPreparationResult& r = results[static_cast<std::size_t>(g)];
        if (std::abs(r.energyDrift) > 1e-6 * std::max(1.0, std::abs(r.energy)))
            throw NumericalError("the running energy drifted by " + std::to_string(r.energyDrift) + " from a full recomputation");
        XyzWriteOptions w;
        w.energy = r.energy;
        w.info["model"] = model.name;
        w.info["T_f"] = a.get("t-f");
        w.info["prepared"] = "swap-mc";
        w.info["sweeps"] = std::to_string(p.coolingSweeps) + "+" + std::to_string(p.sweeps);
        w.info["seed"] = std::to_string(seed) + "/" + std::to_string(g);
        const MinimizationResult& is = quenches[static_cast<std::size_t>(g)];
        if (is.converged()) {
            char isText[32];
            std::snprintf(isText, sizeof isText, "%.10f", is.energy / n);
            w.info["is_energy_per_particle"] = isText;
        }
        if (p.sweeps > 0) {
            char fs[64];
            std::snprintf(fs, sizeof fs, "%.6g", r.productionFs);
            w.info["F_s"] = fs;
        }
        writeConfigurationFile(numbered(out, g, glasses), r.configuration, model, w);
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < std::min(threads, std::max(1, myGlasses)); ++t)
        pool.emplace_back([&] {
            for (int g; (g = next++) < glasses;) {
                if (!mine(g)) continue;
                if (done[static_cast<std::size_t>(g)]) {
                    std::lock_guard lock(printMutex);
                    progress[static_cast<std::size_t>(g)] = 1.0;
                    continue;
                }
                const std::string path = numbered(out, g, glasses), cpPath = path + ".checkpoint.xyz";
                const std::string moviePath = numbered(out, g, glasses).substr(0, path.find_last_of('.') == std::string::npos ? path.size() : path.find_last_of('.')) + "-snapshots.xyz";
                try {
                    std::map<std::string, std::string> id = identity;
                    id["glass"] = std::to_string(g);
                    SwapCheckpointing cps;
                    cps.every = checkpointEvery;
                    cps.write = [&, id, cpPath](const SwapCheckpoint& cp) { writeSwapCheckpoint(cpPath, cp, model, id); };
                    if (checkpoints[static_cast<std::size_t>(g)]) cps.resumeFrom = &*checkpoints[static_cast<std::size_t>(g)];
                    if (snapshotEvery > 0 && !cps.resumeFrom) std::filesystem::remove(moviePath);
                    if (snapshotEvery > 0 && cps.resumeFrom && std::filesystem::exists(moviePath)) {
                        // Keep the frames up to the checkpoint (a killed run may have written later
                        // ones, the last perhaps in part): the resumed run writes those again.
                        std::ifstream in(moviePath);
                        std::ostringstream kept;
                        int line = 0;
                        XyzFrame f;
                        try {
                            while (readXyzFrame(in, moviePath, line, f)) {
                                const auto it = f.info.find("sweep");
                                if (it == f.info.end() || std::stol(it->second) > cps.resumeFrom->sweep) break;
                                Configuration c = f.toConfiguration(model, moviePath);
                                XyzWriteOptions w;
                                w.energy = f.energy;
                                w.info["sweep"] = it->second;
                                w.info["T"] = f.info.count("t") ? f.info.at("t") : f.info.count("T") ? f.info.at("T") : "";
                                writeXyzFrame(kept, c, model, w);
                            }
                        } catch (const std::exception&) {
                            // a frame cut short by the kill: everything before it is kept
                        }
                        in.close();
                        writeFileSafely(moviePath, [&](std::ostream& o) { o << kept.str(); });
                    }
                    long lastSnapshot = cps.resumeFrom ? cps.resumeFrom->sweep : -1;
                    results[static_cast<std::size_t>(g)] = prepareSwapGlass(model, n, p, startSeed(seed, g), [&](const SwapPreparationProgress& now) {
                        if (snapshotEvery > 0 && now.state && now.sweep / snapshotEvery != lastSnapshot / snapshotEvery) {
                            // One frame per crossing of a multiple of --snapshots (progress comes every 16 sweeps).
                            lastSnapshot = now.sweep;
                            std::ostringstream frame;
                            XyzWriteOptions w;
                            w.energy = now.energyPerParticle * n;
                            w.info["sweep"] = std::to_string(now.sweep);
                            w.info["T"] = std::to_string(now.temperature);
                            writeXyzFrame(frame, now.state->configuration(), model, w);
                            std::ofstream movie(moviePath, std::ios::app);
                            movie << frame.str() << std::flush; // whole frames only
                        }
                        std::lock_guard lock(printMutex);
                        progress[static_cast<std::size_t>(g)] = now.fraction();
                        report(g, now);
                    }, nullptr, cps);
                    const Configuration& c = results[static_cast<std::size_t>(g)].configuration;
                    PairPotential surface(model, c);
                    Eigen::VectorXd x = c.positions;
                    MinimizerOptions q;
                    q.forceTolerance = 1e-8;
                    quenches[static_cast<std::size_t>(g)] = minimize(surface, x, MinimizerKind::Lbfgs, q);
                    // Each glass is written as soon as it is done (a later failure or kill keeps it),
                    // and only then is its checkpoint removed.
                    writeGlass(g);
                    std::filesystem::remove(cpPath);
                } catch (const std::exception& e) {
                    errors[static_cast<std::size_t>(g)] = e.what();
                }
            }
        });
    for (auto& t : pool) t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (tty) std::fprintf(stderr, "\n");
    for (int g = 0; g < glasses; ++g)
        if (!errors[static_cast<std::size_t>(g)].empty()) throw InputError("prepare: glass " + std::to_string(g) + ": " + errors[static_cast<std::size_t>(g)]);

    // One line per glass; under mpirun rank 0 prints every rank's, in glass order.
    std::string rows; // this rank's glasses in order, each line ended by '\n'
    char line[1024];
    int relaxed = 0, frozen = 0;
    for (int g = 0; g < glasses; ++g) {
        if (!mine(g)) continue;
        const SwapPreparationResult& r = results[static_cast<std::size_t>(g)];
        const std::string path = numbered(out, g, glasses);
        if (done[static_cast<std::size_t>(g)]) {
            // Finished by an earlier run: what its file says.
            const XyzFrame f = readXyzFile(path);
            const auto isE = f.info.find("is_energy_per_particle"), fs = f.info.find("f_s");
            std::snprintf(line, sizeof line, "%5d %16.10f %16s %12s %10s %10s %10s %10s %8s %s (earlier run)\n", g,
                          f.energy ? *f.energy / n : NAN, isE != f.info.end() ? isE->second.c_str() : "-", "-", "-", "-", "-",
                          "-", fs != f.info.end() ? fs->second.c_str() : "-", path.c_str());
            rows += line;
            if (p.sweeps > 0 && fs != f.info.end()) ++(std::stod(fs->second) < std::exp(-1.0) ? relaxed : frozen);
            continue;
        }
        const MinimizationResult& is = quenches[static_cast<std::size_t>(g)];
        char isText[32] = "not converged";
        if (is.converged()) std::snprintf(isText, sizeof isText, "%.10f", is.energy / n);
        std::snprintf(line, sizeof line, "%5d %16.10f %16s %12.3e %10.4f %9.1f%% %9.1f%% %10.4g %8.4f %s\n", g, r.energy / n,
                      isText, r.energyDrift, r.displacement, 100.0 * r.production.translationAcceptance(),
                      100.0 * r.production.swapAcceptance(), r.productionMsd, r.productionFs, path.c_str());
        rows += line;
        if (p.sweeps > 0) ++(r.productionFs < std::exp(-1.0) ? relaxed : frozen);
        if (!is.converged()) std::fprintf(stderr, "prepare: glass %d: the quench to its inherent structure %s\n", g, is.describe().c_str());
    }
    double sweepsRun = 0.0; // this run's, not earlier runs' (--resume)
    for (int g = 0; g < glasses; ++g)
        if (mine(g) && !done[static_cast<std::size_t>(g)])
            sweepsRun += double(p.coolingSweeps + p.sweeps - (checkpoints[static_cast<std::size_t>(g)] ? checkpoints[static_cast<std::size_t>(g)]->sweep : 0));
    std::ostringstream log; // this rank's energy log rows
    log.precision(12);
    if (a.has("log"))
        for (int g = 0; g < glasses; ++g)
            if (mine(g))
                for (const auto& [sweep, e] : results[static_cast<std::size_t>(g)].energyPerParticle) {
                    const double temperature = sweep < p.coolingSweeps
                                                   ? p.startTemperature + (p.finalTemperature - p.startTemperature) *
                                                                              double(sweep) / double(p.coolingSweeps)
                                                   : p.finalTemperature;
                    log << g << ',' << sweep << ',' << temperature << ',' << e << '\n';
                }
    // Every rank's share, on rank 0.
    std::ostringstream counts;
    counts.precision(17);
    counts << relaxed << ' ' << frozen << ' ' << sweepsRun << ' ' << seconds;
    const std::vector<std::string> allRows = mpi.gather(rows), allCounts = mpi.gather(counts.str()), allLogs = mpi.gather(log.str());
    if (mpi.rank() != 0) return 0;
    std::vector<std::vector<std::string>> byRank(allRows.size());
    for (std::size_t r = 0; r < allRows.size(); ++r) {
        std::istringstream in(allRows[r]);
        for (std::string l; std::getline(in, l);) byRank[r].push_back(l);
    }
    double wall = seconds;
    relaxed = frozen = 0, sweepsRun = 0.0;
    for (const std::string& c : allCounts) {
        std::istringstream in(c);
        int rel = 0, fro = 0;
        double sw = 0.0, sec = 0.0;
        in >> rel >> fro >> sw >> sec;
        relaxed += rel, frozen += fro, sweepsRun += sw, wall = std::max(wall, sec);
    }
    std::printf("%5s %16s %16s %12s %10s %10s %10s %10s %8s %s\n", "glass", "E/N", "E_IS/N", "drift", "step", "transl.",
                "swaps", "MSD", "F_s", "file");
    for (int g = 0; g < glasses; ++g) { // rank r made glasses r, r + P, ...: back into glass order
        const auto& mineRows = byRank[static_cast<std::size_t>(g) % byRank.size()];
        if (const std::size_t i = static_cast<std::size_t>(g) / byRank.size(); i < mineRows.size()) std::printf("%s\n", mineRows[i].c_str());
    }
    if (p.sweeps > 0)
        std::printf("relaxation     MSD and F_s(q = %.4g) over the %ld production sweeps: %d of %d glasses relaxed "
                    "(F_s < 1/e)%s\n",
                    p.relaxationWavenumber, p.sweeps, relaxed, glasses,
                    frozen ? "; a glass with F_s above 1/e did not relax at T_f within the run: more --sweeps show whether it is in equilibrium" : "");
    const double moves = double(n) * sweepsRun;
    const int used = std::min(threads, std::max(1, myGlasses)) * mpi.size();
    std::printf("time %.2f s (%.3g moves/s on %d thread%s%s)\n", wall, moves / std::max(wall, 1e-9), used, used == 1 ? "" : "s",
                mpi.parallel() ? (" in " + std::to_string(mpi.size()) + " ranks").c_str() : "");
    if (a.has("log")) {
        // Each rank's rows are in glass order; the merged log is sorted by glass (stable in sweep).
        std::vector<std::pair<int, std::string>> lines;
        for (const std::string& text : allLogs) {
            std::istringstream in(text);
            for (std::string l; std::getline(in, l);) lines.emplace_back(std::stoi(l), l);
        }
        std::stable_sort(lines.begin(), lines.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
        writeFileSafely(a.get("log"), [&](std::ostream& o) {
            o << "glass,sweep,temperature,energy_per_particle\n";
            for (const auto& l : lines) o << l.second << '\n';
        });
    }
    return 0;
}

} // namespace tlscope::cli
