// equilibrium: the inherent-structure energy distribution of the liquid at a temperature, from
// independent runs, each sampled along its trajectory (PHYSICS.md §2; docs/validation.md).
#include "app/cli/Arguments.h"
#include "app/cli/Commands.h"
#include "core/common/Error.h"
#include "core/dynamics/TrajectorySampling.h"
#include "core/io/SafeWrite.h"
#include "core/model/Model.h"
#include "core/search/Search.h"
#include "core/system/Configuration.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <thread>

namespace tlscope::cli {

int equilibriumCommand(const Args& args) {
    Arguments a("equilibrium",
                "Measures the equilibrium inherent-structure (IS) energy distribution at T: R independent\n"
                "liquids, each melted, equilibrated for --discard and then sampled every --interval along\n"
                "its Langevin trajectory (--samples per run); every sample is quenched (CG, max |F| < 1e-10).\n"
                "Prints per run the mean IS energy, tau_alpha of the sampling trajectory and the lag-1\n"
                "correlation of successive IS energies; then mean, sd and their errors (from the scatter\n"
                "between runs) and a histogram. With --samples 1 it measures the search's own start protocol\n"
                "(--discard = the search's --equil-time).",
                {{"model", "M", "model preset or model file", "ka-rh", false},
                 {"n", "N", "particles", "65", false},
                 {"temperature", "T", "temperature", "0.5", false},
                 {"runs", "R", "independent runs", "8", false},
                 {"discard", "t", "equilibration time before the first sample", "3000", false},
                 {"interval", "t", "time between samples along a run", "20", false},
                 {"samples", "K", "samples per run", "100", false},
                 {"seed", "X", "random seed (run r uses the stream of start r, as the search does)", "1", false},
                 {"threads", "P", "worker threads (0: all cores); never changes the result", "0", false},
                 {"csv", "FILE", "write run,sample,is_energy rows", "", false}});
    if (!a.parse(args)) return 0;
    const Model model = Model::fromNameOrFile(a.get("model"));
    const int n = static_cast<int>(a.integer("n", 2));
    checkCutoffFitsBox(model, model.boxLengthFor(n));
    EquilibrationParameters p;
    p.temperature = a.positive("temperature");
    p.time = a.number("discard");
    const int runs = static_cast<int>(a.integer("runs", 1));
    const int samples = static_cast<int>(a.integer("samples", 1));
    const double interval = samples > 1 ? a.positive("interval") : 1.0;
    const std::uint64_t seed = a.seed("seed");
    int threads = static_cast<int>(a.integer("threads", 0));
    if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (!std::isfinite(p.time) || p.time < 0 || !std::isfinite(interval) || runs > 100000 || samples > 1000000)
        throw InputError("equilibrium: --discard and --interval must be finite, --runs <= 100000, --samples <= 1000000");

    std::vector<InherentStructureSeries> results(static_cast<std::size_t>(runs));
    std::atomic<int> next{0}, done{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < std::min(threads, runs); ++t)
        pool.emplace_back([&] {
            for (int r; (r = next++) < runs;) {
                // The search's per-start seed: with --samples 1, run r is the search's start r.
                results[static_cast<std::size_t>(r)] = inherentStructureSeries(model, n, p, interval, samples, startSeed(seed, r));
                const int d = ++done;
                std::fprintf(stderr, "\requilibrium: %d/%d runs", d, runs);
            }
        });
    for (auto& t : pool) t.join();
    std::fprintf(stderr, "\n");

    std::printf("Equilibrium IS energies: %s, N = %d, T = %g, %d runs x %d samples, discard %g, interval %g\n\n",
                model.name.c_str(), n, p.temperature, runs, samples, p.time, samples > 1 ? interval : 0.0);
    if (samples > 1) {
        std::printf("  run   mean IS energy     sd    tau_alpha   lag-1 corr   failed\n");
        for (int r = 0; r < runs; ++r) {
            const auto& s = results[static_cast<std::size_t>(r)];
            double m = 0.0, v = 0.0;
            for (double e : s.energies) m += e;
            m /= std::max<std::size_t>(1, s.energies.size());
            for (double e : s.energies) v += (e - m) * (e - m);
            std::printf("  %3d   %12.4f   %8.4f   %9.1f   %10.3f   %6d\n", r, m,
                        s.energies.size() > 1 ? std::sqrt(v / (s.energies.size() - 1)) : 0.0, s.tauAlpha,
                        s.lag1Correlation, s.failedQuenches);
        }
    }
    const InherentStructureStatistics st = inherentStructureStatistics(results);
    std::printf("\n  samples                 %ld\n  mean IS energy          %.4f +- %.4f   (per particle %.5f +- %.5f)\n"
                "  standard deviation      %.4f +- %.4f\n",
                st.samples, st.mean, st.meanError, st.mean / n, st.meanError / n, st.sd, st.sdError);
    // Histogram, one bin per 0.5 eps of total energy.
    std::vector<double> all;
    for (const auto& s : results) all.insert(all.end(), s.energies.begin(), s.energies.end());
    if (!all.empty()) {
        const double lo = std::floor(*std::min_element(all.begin(), all.end()));
        const double hi = *std::max_element(all.begin(), all.end());
        const double w = 0.5;
        std::vector<long> counts(static_cast<std::size_t>((hi - lo) / w) + 1, 0);
        for (double e : all) ++counts[static_cast<std::size_t>((e - lo) / w)];
        const long top = *std::max_element(counts.begin(), counts.end());
        std::printf("\n  IS energy histogram\n");
        for (std::size_t k = 0; k < counts.size(); ++k)
            std::printf("  %8.1f .. %8.1f %7ld  %s\n", lo + k * w, lo + (k + 1) * w, counts[k],
                        std::string(static_cast<std::size_t>(50.0 * counts[k] / top), '#').c_str());
    }
    if (a.has("csv")) {
        const std::string path = a.get("csv");
        writeFileSafely(path, [&](std::ostream& out) {
            out.precision(12);
            out << "run,sample,is_energy\n";
            for (int r = 0; r < runs; ++r)
                for (std::size_t k = 0; k < results[static_cast<std::size_t>(r)].energies.size(); ++k)
                    out << r << ',' << k << ',' << results[static_cast<std::size_t>(r)].energies[k] << '\n';
        });
        std::printf("\nwrote %s\n", path.c_str());
    }
    return 0;
}

} // namespace tlscope::cli
