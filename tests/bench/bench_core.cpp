// Speed of the physics core (docs/performance.md). Not a test: run ./build/tests/bench/bench_core.
#include "core/search/Search.h"
#include "core/dynamics/MolecularDynamics.h"
#include "core/dynamics/Preparation.h"
#include "core/dynamics/SwapMonteCarlo.h"
#include "core/landscape/HessianAnalysis.h"
#include "core/landscape/Lanczos.h"
#include "core/landscape/Minimizer.h"
#include "core/landscape/Neb.h"
#include "core/model/Model.h"
#include "core/potential/PairPotential.h"
#include "core/io/ExtendedXyz.h"
#include "core/tls/DoubleWell.h"

#include <benchmark/benchmark.h>

#include <map>

using namespace tlscope;

namespace {
const Configuration& liquid(int n) {
    static std::map<int, Configuration> cache;
    auto it = cache.find(n);
    if (it == cache.end()) {
        EquilibrationParameters p;
        p.temperature = 0.5;
        p.time = n > 10000 ? 0.5 : 5.0;
        p.meltTime = 1.0;
        it = cache.emplace(n, generateEquilibratedLiquid(Model::preset("ka-rh"), n, p, 1)).first;
    }
    return it->second;
}
} // namespace

static void BM_Forces(benchmark::State& state) {
    const auto& c = liquid(static_cast<int>(state.range(0)));
    PairPotential p(Model::preset("ka-rh"), c);
    Eigen::VectorXd f;
    for (auto _ : state) benchmark::DoNotOptimize(p.energyAndForce(c.positions, f));
    state.counters["ns/atom"] = benchmark::Counter(static_cast<double>(c.size()),
                                                   benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
    state.SetLabel(kernel::name(p.kernelPath()) + (p.usesNeighbourList() ? " list" : " all-pairs"));
}
BENCHMARK(BM_Forces)->Arg(65)->Arg(1500)->Arg(4000)->Arg(32000)->Unit(benchmark::kMicrosecond);

// Polydisperse soft spheres (T = 0.3 liquid, Verlet list at N = 1500): the vectorised kernel
// (arg 1) against the plain scalar neighbour loop it replaced (referenceEnergyForce, arg 0).
static void BM_ForcesSoftSpheres(benchmark::State& state) {
    static const Configuration c = [] {
        EquilibrationParameters p;
        p.temperature = 0.3, p.time = 2.0, p.meltTime = 1.0;
        return generateEquilibratedLiquid(Model::preset("soft-spheres"), 1500, p, 1);
    }();
    PairPotential p(Model::preset("soft-spheres"), c);
    Eigen::VectorXd f;
    for (auto _ : state)
        benchmark::DoNotOptimize(state.range(0) ? p.energyAndForce(c.positions, f) : p.referenceEnergyForce(c.positions, f));
    state.SetLabel(state.range(0) ? kernel::name(p.kernelPath()) + " kernel" : "scalar reference loop");
}
BENCHMARK(BM_ForcesSoftSpheres)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Neighbour method at small N: all pairs (contiguous loads) against a Verlet list (gathers,
// fewer pairs), to place the switch-over (kListThreshold in PairPotential.cpp).
static void BM_ForcesMethod(benchmark::State& state) {
    const auto& c = liquid(static_cast<int>(state.range(0)));
    const auto method = state.range(1) ? NeighbourMethod::VerletList : NeighbourMethod::AllPairs;
    PairPotential p(Model::preset("ka-rh"), c, method);
    Eigen::VectorXd f;
    for (auto _ : state) benchmark::DoNotOptimize(p.energyAndForce(c.positions, f));
    state.SetLabel(kernel::name(p.kernelPath()) + (p.usesNeighbourList() ? " list" : " all-pairs"));
}
BENCHMARK(BM_ForcesMethod)->ArgsProduct({{65, 130, 260, 500, 1000}, {0, 1}})->Unit(benchmark::kMicrosecond);

static void mdSteps(benchmark::State& state, bool singlePrecision) {
    const Model m = Model::preset("ka-rh");
    const auto& c = liquid(static_cast<int>(state.range(0)));
    PairPotential p(m, c);
    MdParameters par;
    par.singlePrecisionForces = singlePrecision;
    MolecularDynamics md(p, c.massVector(m), par, RandomStream(1));
    md.setPositions(c.positions);
    md.drawVelocities(0.5);
    for (auto _ : state) md.step();
    state.counters["ns/atom-step"] = benchmark::Counter(static_cast<double>(c.size()),
                                                        benchmark::Counter::kIsIterationInvariantRate |
                                                            benchmark::Counter::kInvert);
}
static void BM_MdStep(benchmark::State& state) { mdSteps(state, false); }
BENCHMARK(BM_MdStep)->Arg(65)->Arg(1500)->Arg(4000)->Arg(32000)->Unit(benchmark::kMicrosecond);

// The search's MD (kicks, equilibration, sampling): single-precision forces, no energy.
static void BM_MdStepSingle(benchmark::State& state) { mdSteps(state, true); }
BENCHMARK(BM_MdStepSingle)->Arg(65)->Unit(benchmark::kMicrosecond);

// Verlet-list skin at large N: fewer pairs per force call against more frequent rebuilds.
static void BM_MdStepSkin(benchmark::State& state) {
    const Model m = Model::preset("ka-rh");
    const auto& c = liquid(static_cast<int>(state.range(0)));
    const double skin = static_cast<double>(state.range(1)) / 100.0;
    PairPotential p(m, c.species, c.boxLength, NeighbourMethod::VerletList, skin);
    MolecularDynamics md(p, c.massVector(m), {}, RandomStream(1));
    md.setPositions(c.positions);
    md.drawVelocities(0.5);
    for (auto _ : state) md.step();
    state.counters["ns/atom-step"] = benchmark::Counter(static_cast<double>(c.size()),
                                                        benchmark::Counter::kIsIterationInvariantRate |
                                                            benchmark::Counter::kInvert);
}
BENCHMARK(BM_MdStepSkin)->ArgsProduct({{4000}, {15, 20, 25, 30, 40}})->Unit(benchmark::kMicrosecond);

static void BM_MinimizeCg65(benchmark::State& state) {
    const Model m = Model::preset("ka-rh");
    const auto& c = liquid(65);
    PairPotential p(m, c);
    long evaluations = 0;
    for (auto _ : state) {
        Eigen::VectorXd x = c.positions;
        const auto r = minimize(p, x, MinimizerKind::ConjugateGradient);
        if (!r.converged()) state.SkipWithError("CG did not converge");
        evaluations = r.forceEvaluations;
    }
    state.counters["force evals"] = static_cast<double>(evaluations);
}
BENCHMARK(BM_MinimizeCg65)->Unit(benchmark::kMillisecond);

// The quench of one search attempt (PHYSICS.md §4): from the demo glass, a T = 0.6 kick and 150
// NVE steps, then minimization to max |F| < 1e-10, by each minimizer. Reports evaluations per
// quench (averaged over the kicks of the run).
static void BM_QuenchAttempt(benchmark::State& state) {
    const Model m = Model::preset("ka-rh");
    static const Configuration glass = [] {
        Configuration c = liquid(65);
        PairPotential p(Model::preset("ka-rh"), c);
        minimize(p, c.positions, MinimizerKind::ConjugateGradient);
        return c;
    }();
    const auto kind = static_cast<MinimizerKind>(state.range(0));
    MinimizerOptions options;
    if (state.range(1) > 0) options.lbfgsMemory = static_cast<int>(state.range(1));
    PairPotential p(m, glass);
    std::vector<Eigen::VectorXd> kicked;
    for (std::uint64_t k = 0; k < 32; ++k) {
        MolecularDynamics md(p, glass.massVector(m), {}, RandomStream(7, k));
        md.setPositions(glass.positions);
        md.drawVelocities(0.6);
        md.run(150);
        kicked.push_back(md.state().positions);
    }
    long evaluations = 0, quenches = 0;
    std::size_t next = 0;
    for (auto _ : state) {
        Eigen::VectorXd x = kicked[next++ % kicked.size()];
        const auto r = minimize(p, x, kind, options);
        if (!r.converged()) state.SkipWithError(r.describe().c_str());
        evaluations += r.forceEvaluations;
        ++quenches;
    }
    state.counters["evals/quench"] = static_cast<double>(evaluations) / static_cast<double>(quenches);
    state.SetLabel(minimizerName(kind) + (kind == MinimizerKind::Lbfgs ? " m=" + std::to_string(options.lbfgsMemory) : ""));
}
BENCHMARK(BM_QuenchAttempt)->Args({static_cast<int>(MinimizerKind::ConjugateGradient), 0})
    ->Args({static_cast<int>(MinimizerKind::Fire), 0})
    ->Args({static_cast<int>(MinimizerKind::Lbfgs), 5})->Args({static_cast<int>(MinimizerKind::Lbfgs), 10})
    ->Args({static_cast<int>(MinimizerKind::Lbfgs), 20})->Args({static_cast<int>(MinimizerKind::Lbfgs), 40})
    ->Unit(benchmark::kMillisecond);

namespace {
/// An inherent structure of the liquid of size n (cached).
const Configuration& glass(int n) {
    static std::map<int, Configuration> cache;
    auto it = cache.find(n);
    if (it == cache.end()) {
        Configuration c = liquid(n);
        PairPotential p(Model::preset("ka-rh"), c);
        minimize(p, c.positions, MinimizerKind::Lbfgs);
        it = cache.emplace(n, c).first;
    }
    return it->second;
}
} // namespace

// The index check of a minimum: dense diagonalisation of the 3N x 3N Hessian (all modes)
// against Lanczos for the two lowest non-zero modes of the sparse Hessian (Hessian assembly
// included in both). Places kDenseHessianLimit.
static void BM_IndexCheck(benchmark::State& state) {
    const auto& c = glass(static_cast<int>(state.range(0)));
    PairPotential p(Model::preset("ka-rh"), c);
    const bool dense = state.range(1) == 0;
    int products = 0;
    for (auto _ : state) {
        if (dense) {
            benchmark::DoNotOptimize(analyzeHessian(p.hessian(c.positions), 3).negativeCount);
        } else {
            const LowestModes m = lowestEigenpairs(p.sparseHessian(c.positions), 2, p.zeroModeBasis());
            products = m.products;
            benchmark::DoNotOptimize(m.values[0]);
        }
    }
    state.SetLabel(dense ? "dense" : "lanczos, " + std::to_string(products) + " products");
}
BENCHMARK(BM_IndexCheck)->ArgsProduct({{65, 130, 260}, {0, 1}})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_IndexCheck)->Args({1500, 1})->Unit(benchmark::kMillisecond);

// N = 1500, the size of the stable-glass work: one quench of a kicked glass, and one saddle
// between two adjacent minima (CI-NEB, Lanczos refinement, index check).
static void BM_Quench1500(benchmark::State& state) {
    const Model m = Model::preset("ka-rh");
    const auto& g = glass(1500);
    PairPotential p(m, g);
    MolecularDynamics md(p, g.massVector(m), {}, RandomStream(3));
    md.setPositions(g.positions);
    md.drawVelocities(0.3);
    md.run(150);
    long evaluations = 0;
    for (auto _ : state) {
        Eigen::VectorXd x = md.state().positions;
        const auto r = minimize(p, x, MinimizerKind::Lbfgs);
        if (!r.converged()) state.SkipWithError(r.describe().c_str());
        evaluations = r.forceEvaluations;
    }
    state.counters["force evals"] = static_cast<double>(evaluations);
}
BENCHMARK(BM_Quench1500)->Unit(benchmark::kMillisecond);

static void BM_Saddle1500(benchmark::State& state) {
    const Model m = Model::preset("ka-rh");
    const auto& g = glass(1500);
    PairPotential p(m, g);
    // A neighbouring minimum: kicks until a quench lands elsewhere, not far.
    Eigen::VectorXd other;
    for (std::uint64_t k = 0; k < 50 && other.size() == 0; ++k) {
        MolecularDynamics md(p, g.massVector(m), {}, RandomStream(5, k));
        md.setPositions(g.positions);
        md.drawVelocities(0.2);
        md.run(100);
        Eigen::VectorXd x = md.state().positions;
        minimize(p, x, MinimizerKind::Lbfgs);
        const double d = p.displacement(g.positions, x).norm();
        if (d > 0.05 && d < 1.0) other = x;
    }
    if (other.size() == 0) {
        state.SkipWithError("no neighbouring minimum found");
        return;
    }
    int index = -1;
    long steps = 0;
    for (auto _ : state) {
        NebOptions o;
        o.interiorImages = 7;
        o.forceTolerance = 0.05;
        const NebResult neb = nudgedElasticBand(p, g.positions, g.positions + p.displacement(g.positions, other), o);
        const SaddleResult s = refineSaddle(p, neb.images[static_cast<std::size_t>(neb.climbingIndex)], 1e-8, 200, 0.05,
                                            EigenMethod::Lanczos);
        index = s.negativeModes;
        steps = s.iterations;
    }
    state.SetLabel("index " + std::to_string(index) + ", " + std::to_string(steps) + " refinement steps");
}
BENCHMARK(BM_Saddle1500)->Unit(benchmark::kMillisecond)->Iterations(2);

// The resolved reaction path of one real N = 65 DWP (tests/data: a search DWP with a 0.80
// path): descents from the saddle by local-quadratic steps, continuation, 1D levels. Arg 1: the
// LQA eigenpairs from the Krylov space of the gradient (the default); 0: every eigenpair of the
// dense mass-weighted Hessian.
static void BM_ReactionPath65(benchmark::State& state) {
    const Model m = Model::preset("ka-rh");
    const std::string path = std::string(TLSCOPE_SOURCE_DIR) + "/tests/data/dwp-last-step-into-minimum.xyz";
    const std::vector<XyzFrame> frames = readXyzFrames(path);
    const Configuration min1 = frames[0].toConfiguration(m, path), saddle = frames[1].toConfiguration(m, path),
                        min2 = frames[2].toConfiguration(m, path);
    PairPotential pot(m, min1);
    ReactionPathOptions o;
    o.krylov = state.range(0) != 0;
    for (auto _ : state) {
        const ResolvedLevels r = resolveLevels(pot, saddle.positions, min1.positions, min2.positions,
                                               relativeMasses(m, min1.species), DoubleWellOptions{}.hbar, o);
        if (!r.ok) state.SkipWithError(r.message.c_str());
        benchmark::DoNotOptimize(r.levels.splitting);
    }
}
BENCHMARK(BM_ReactionPath65)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

// The whole search at N = 65 (KA-RH, T_search 0.3, N_search 300): equilibration, quench, 400
// attempts, and the saddle analysis of every kept minimum, on one thread per start. Reports
// attempts/s and DWPs per CPU-hour; run with --benchmark_min_time to average more starts.
static void BM_SearchN65(benchmark::State& state) {
    long attempts = 0, dwps = 0;
    std::uint64_t seed = 1;
    struct Count final : tlscope::SearchObserver {
        long dwps = 0;
        void onDoubleWell(const tlscope::DwpRecord&) override { ++dwps; }
    };
    for (auto _ : state) {
        tlscope::SearchParameters p;
        p.starts = 1;
        p.attempts = 400;
        p.threads = 1;
        p.seed = seed++;
        tlscope::Search search(p);
        Count c;
        search.run(c);
        attempts += p.attempts;
        dwps += c.dwps;
    }
    state.counters["attempts_per_s"] = benchmark::Counter(static_cast<double>(attempts), benchmark::Counter::kIsRate);
    state.counters["dwps_per_cpu_hour"] = benchmark::Counter(3600.0 * static_cast<double>(dwps), benchmark::Counter::kIsRate);
    state.counters["dwps_per_start"] = static_cast<double>(dwps) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_SearchN65)->Unit(benchmark::kSecond)->Iterations(8);

// Swap Monte Carlo (issue 10): attempted moves per second on one core near each model's
// mode-coupling temperature, p_swap = 0.2, from a configuration annealed for 100 sweeps there.
static void swapMcSweeps(benchmark::State& state, const Model& model, double startT, double t, const std::string& swaps) {
    const int n = static_cast<int>(state.range(0));
    SwapPreparationParameters prep;
    prep.startTemperature = startT;
    prep.finalTemperature = t;
    prep.coolingSweeps = 50;
    prep.sweeps = 50;
    if (!swaps.empty()) prep.allowedSwaps = parseSwapPairs(swaps, model);
    const SwapPreparationResult start = prepareSwapGlass(model, n, prep, 3);
    SwapMonteCarlo mc(model, start.configuration, RandomStream(11, 0));
    SwapMcParameters p;
    p.temperature = t;
    p.maxDisplacement = start.displacement;
    p.allowedSwaps = prep.allowedSwaps;
    SwapMcStatistics stats;
    for (auto _ : state) mc.sweep(p, stats);
    state.counters["moves/s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["acc_transl"] = stats.translationAcceptance();
    state.counters["acc_swap"] = stats.swapAcceptance();
    state.counters["builds/sweep"] = benchmark::Counter(static_cast<double>(mc.listBuilds()) / static_cast<double>(state.iterations()));
}
// KA2 at T = 0.5 (KA's T_MCT is 0.435), A-C and B-C exchanges.
static void BM_SwapMcSweep(benchmark::State& state) { swapMcSweeps(state, Model::preset("ka2"), 2.0, 0.5, "A-C,B-C"); }
BENCHMARK(BM_SwapMcSweep)->Arg(500)->Arg(1500)->Unit(benchmark::kMillisecond);
// Polydisperse soft spheres at T = 0.11 (T_MCT = 0.104): diameter swaps.
static void BM_SwapMcSoftSpheres(benchmark::State& state) { swapMcSweeps(state, Model::preset("soft-spheres"), 0.3, 0.11, ""); }
BENCHMARK(BM_SwapMcSoftSpheres)->Arg(500)->Arg(1500)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
