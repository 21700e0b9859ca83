// explore: the metabasin of a glass by low-temperature MD and frequent quenches (Khomenko et
// al. 2020, Mocanu et al. 2023), the DWP analysis of the transitions it saw, one session file.
#include "app/cli/Arguments.h"
#include "app/cli/Commands.h"
#include "core/common/Error.h"
#include "core/explore/Exploration.h"
#include "core/io/ConfigurationFile.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/SessionFile.h"
#include "core/tls/Displacement.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <unistd.h>

namespace tlscope::cli {

namespace {
std::atomic<bool> stopRequested{false};
void onSignal(int) { stopRequested = true; }

/// The model a glass file names (model=... in its header), if it is a preset.
std::string modelNamedBy(const std::string& path) {
    if (detectConfigurationFormat(path) != ConfigurationFormat::Xyz) return {};
    const XyzFrame f = readXyzFile(path);
    const auto it = f.info.find("model");
    const auto presets = Model::presetNames();
    return it != f.info.end() && std::find(presets.begin(), presets.end(), it->second) != presets.end() ? it->second : std::string();
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
                "Writes one session file (the walk, then each DWP as it is analysed); the GUI and analyze\n"
                "open it. Same seed, same result, for any --threads.",
                {{"input", "FILE", "the glass (extended XYZ, LAMMPS data or dump; e.g. made by prepare)", "", true},
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
                 {"t-f", "T", "the glass's fictive temperature, for analyze --compare (default: T_f from the glass file's header)", "", false},
                 {"threads", "P", "threads for the pair analyses (0: all cores); never changes the result", "0", false},
                 {"out", "FILE", "session file to write (*.tls.h5)", "", true},
                 {"overwrite", "", "replace an existing --out file", "", false},
                 {"quiet", "", "no progress lines", "", false}});
    if (!a.parse(args)) return 0;
    const std::string input = a.get("input"), out = a.get("out");
    std::string modelName = a.get("model");
    if (modelName.empty()) modelName = modelNamedBy(input);
    if (modelName.empty()) modelName = "soft-spheres";
    ExploreParameters p;
    p.model = Model::fromNameOrFile(modelName);
    const LoadedConfiguration glass = readConfigurationFile(input, p.model);
    for (const auto& w : glass.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
    p.walk.temperature = a.positive("t-explore");
    p.walk.quenchEvery = a.integer("quench-every", 1, 1'000'000'000);
    p.walk.timeStep = a.positive("dt");
    const double time = a.positive("time");
    p.walk.steps = std::llround(time / p.walk.timeStep);
    p.walk.friction = a.positive("friction");
    p.walk.seed = a.seed("seed");
    p.pairAsymmetry = a.number("pair-asymmetry");
    p.saddleMethod = parseSaddleMethod(a.get("saddle"));
    p.ircStep = a.positive("irc-step");
    p.minimumBarrier = a.number("min-barrier");
    p.threads = static_cast<int>(a.integer("threads", 0, 4096));
    if (a.has("t-f")) p.glassFictiveTemperature = a.get("t-f");
    else if (detectConfigurationFormat(input) == ConfigurationFormat::Xyz) {
        const XyzFrame f = readXyzFile(input);
        if (const auto it = f.info.find("t_f"); it != f.info.end()) p.glassFictiveTemperature = it->second;
    }
    p.validate();
    const int n = glass.conf.size();
    if (std::abs(glass.conf.boxLength - p.model.boxLengthFor(n)) > 1e-9 * glass.conf.boxLength)
        throw InputError(input + ": box edge " + std::to_string(glass.conf.boxLength) + " is not model '" + p.model.name +
                         "''s " + std::to_string(p.model.boxLengthFor(n)) + " at density " + std::to_string(p.model.density));
    if (std::filesystem::is_directory(out)) throw InputError(out + " is a directory; --out needs a file name (e.g. run.tls.h5)");
    if (std::filesystem::exists(out) && !a.has("overwrite")) throw InputError(out + " exists; use --overwrite to replace it");

    // The session: one "start" (the quenched glass), the distinct IS as its minima, the DWPs.
    SearchParameters sp;
    sp.model = p.model;
    sp.particles = n;
    sp.seed = p.walk.seed;
    sp.starts = 1;
    sp.attempts = static_cast<int>(std::min<long>(p.walk.steps / p.walk.quenchEvery, 10'000'000));
    sp.inputFile = std::filesystem::absolute(input).string();
    sp.saddleMethod = p.saddleMethod;
    sp.ircStep = p.ircStep;
    sp.minimumBarrier = p.minimumBarrier;
    sp.tlsThresholdKelvin = p.model.units.toKelvin(p.model.tlsThreshold);
    SessionLock lock(out);
    SessionWriter writer(out, sp, p.serialize());

    const bool quiet = a.has("quiet"), tty = isatty(2);
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    double lastPrint = -1e9;
    const long quenches = p.walk.steps / p.walk.quenchEvery;
    std::printf("explore %s: model %s, N = %d, T = %g, a quench every %ld steps (dt %g), %ld quenches, seed %llu\n",
                input.c_str(), p.model.name.c_str(), n, p.walk.temperature, p.walk.quenchEvery, p.walk.timeStep, quenches,
                static_cast<unsigned long long>(p.walk.seed));
    std::fflush(stdout);
    ExploreHooks hooks;
    hooks.walk.stop = &stopRequested;
    hooks.walk.quenched = [&](std::size_t quench, int, bool, const MetabasinWalk& w) {
        if (quiet || (elapsed() - lastPrint < (tty ? 0.5 : 10.0) && quench < static_cast<std::size_t>(quenches))) return;
        lastPrint = elapsed();
        const double rate = double(quench) / std::max(1e-9, elapsed());
        std::fprintf(stderr, "%sexplore: quench %zu/%ld  distinct IS %zu  transitions %zu  %.1f quenches/s  ETA %.0f s%s",
                     tty ? "\r" : "", quench, quenches, w.minima.size(), w.transitions.size(), rate,
                     rate > 0 ? double(quenches - long(quench)) / rate : 0.0, tty ? "   " : "\n");
    };
    StartingStructure is;
    const Eigen::VectorXd mass = relativeMasses(p.model, glass.conf.species);
    hooks.walked = [&](const MetabasinWalk& w) {
        if (tty && !quiet) std::fprintf(stderr, "\n");
        writer.writeExploration(w);
        is.start = 0, is.energy = w.minima[0].energy, is.boxLength = glass.conf.boxLength;
        is.species = glass.conf.species, is.diameters = glass.conf.diameters, is.positions = w.minima[0].positions;
        writer.onStartingStructure(is);
        std::printf("walk: %zu quenches, %zu distinct IS, %zu transitions (%zu pairs), %d failed quenches, %.1f s\n",
                    w.sequence.size(), w.minima.size(), w.transitions.size(), w.transitionPairs().size(), w.failedQuenches, elapsed());
        std::fflush(stdout);
    };
    int dwps = 0, tls = 0, rejected = 0;
    const MetabasinWalk* walk = nullptr;
    hooks.walked = [&, walked = hooks.walked](const MetabasinWalk& w) {
        walk = &w;
        walked(w);
    };
    hooks.analysed = [&](const PairAnalysis& pa, std::size_t index, std::size_t total) {
        if (pa.accepted) {
            DwpRecord rec;
            rec.start = 0;
            rec.minimum = static_cast<int>(index);
            // "found": how often the walk crossed between the two IS (both directions).
            if (walk)
                for (const auto& key : {std::make_pair(pa.first, pa.second), std::make_pair(pa.second, pa.first)})
                    if (auto it = walk->transitions.find(key); it != walk->transitions.end()) rec.findCount += it->second;
            rec.startEnergy = is.energy;
            rec.species = glass.conf.species;
            rec.diameters = glass.conf.diameters;
            rec.dwp = pa.dwp;
            writer.onExplorationDoubleWell(rec, pa.first, pa.second);
            ++dwps;
            tls += pa.dwp.isTls ? 1 : 0;
        } else {
            ++rejected;
        }
        if (!quiet)
            std::fprintf(stderr, "pair %zu/%zu: IS %d - IS %d: %s\n", index + 1, total, pa.first, pa.second,
                         pa.accepted ? (pa.dwp.isTls ? "DWP, TLS" : "DWP") : ("rejected: " + pa.reason).c_str());
    };
    stopRequested = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const ExplorationResult r = exploreGlass(glass.conf, p, hooks);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (r.stopped) {
        writer.close();
        std::fprintf(stderr, "explore: stopped; %s keeps what was done\n", out.c_str());
        return 130;
    }
    // The distinct IS (but the glass's own) as the start's minima: energy, distance from IS 0.
    std::vector<FoundMinimum> minima;
    for (std::size_t k = 1; k < r.walk.minima.size(); ++k) {
        const VisitedMinimum& v = r.walk.minima[k];
        FoundMinimum m;
        m.start = 0, m.id = static_cast<int>(k), m.firstAttempt = static_cast<int>(v.firstStep / p.walk.quenchEvery);
        m.findCount = v.visits, m.energy = v.energy;
        m.d = distance(r.walk.minima[0].positions, v.positions, glass.conf.boxLength, mass);
        m.dMassWeighted = massWeightedDistance(r.walk.minima[0].positions, v.positions, glass.conf.boxLength, mass);
        m.asymmetry = std::abs(v.energy - r.walk.minima[0].energy);
        m.positions = v.positions;
        minima.push_back(std::move(m));
    }
    StartSummary s;
    s.start = 0, s.energy = r.walk.minima[0].energy, s.attempts = static_cast<int>(r.walk.sequence.size()) - 1;
    s.returnedToStart = r.walk.minima[0].visits - 1, s.failedMinimizations = r.walk.failedQuenches;
    s.minima = static_cast<int>(minima.size()), s.doubleWells = dwps, s.rejected = rejected;
    writer.onStartCompleted(s, minima);
    writer.close();
    std::printf("pairs: %zu analysed, %d DWPs, %d TLS (E_qs < %g eps = %g K with the model's units), %d rejected\n",
                r.pairs.size(), dwps, tls, p.model.tlsThreshold, p.model.units.toKelvin(p.model.tlsThreshold), rejected);
    std::printf("per particle: %.4g DWPs, %.4g TLS; time %.1f s; wrote %s\n", double(dwps) / n, double(tls) / n, elapsed(), out.c_str());
    return 0;
}

} // namespace tlscope::cli
