#pragma once
// Swap Monte Carlo (PHYSICS.md §2; Ninarello, Berthier & Coslovich 2017): Metropolis
// translations and, with probability p_swap, exchanges of the species of two particles
// (discrete mixtures) or of their diameters (polydisperse soft spheres). Each move costs
// O(neighbours) through per-particle Verlet lists; the running energy is checked against a full
// recomputation.
#include "core/dynamics/Random.h"
#include "core/model/Model.h"
#include "core/potential/LjPair.h"
#include "core/potential/SoftSpherePair.h"
#include "core/system/Configuration.h"

#include <atomic>
#include <functional>
#include <utility>
#include <vector>

namespace tlscope {

struct SwapMcParameters {
    double temperature = 1.0;
    double swapProbability = 0.2;
    double maxDisplacement = 0.12; ///< per coordinate, uniform in [-d, d]
    /// Species pairs a swap may exchange (unordered); empty: any two different species.
    std::vector<std::pair<int, int>> allowedSwaps;
};

struct SwapMcStatistics {
    long translations = 0, translationsAccepted = 0;
    long swaps = 0, swapsAccepted = 0;  ///< swap attempts between allowed species pairs
    long swapsSameSpecies = 0;          ///< two particles of one species (or diameter) drawn: no move
    long swapsForbidden = 0;            ///< a species pair outside allowedSwaps, or diameters more
                                        ///< than maxSwapDifference apart: rejected outright
    double translationAcceptance() const { return translations ? double(translationsAccepted) / double(translations) : 0.0; }
    double swapAcceptance() const { return swaps ? double(swapsAccepted) / double(swaps) : 0.0; }
};

/// Parses "A-C,B-C" (species names of the model) into species index pairs.
std::vector<std::pair<int, int>> parseSwapPairs(const std::string& text, const Model& model);

class SwapMonteCarlo {
public:
    SwapMonteCarlo(const Model& model, const Configuration& start, RandomStream rng);

    /// N moves (one sweep) at the parameters' temperature.
    void sweep(const SwapMcParameters& p, SwapMcStatistics& stats);
    /// One move; returns true if accepted.
    bool move(const SwapMcParameters& p, SwapMcStatistics& stats);

    /// The running total energy (updated by every accepted move).
    double energy() const { return energy_; }
    /// Recomputes the total energy from scratch, makes it the running value, and returns the
    /// difference to the running value (the accumulated rounding; a check, not a correction).
    double recomputeEnergy();
    /// Positions (wrapped into the box) and species as they are now.
    Configuration configuration() const;
    /// Each particle's displacement since the start, summed over its accepted translations (not
    /// wrapped: what the mean-squared displacement and F_s(q, t) of the dynamics are made of).
    const std::vector<Eigen::Vector3d>& travelled() const { return travel_; }
    /// The random generator's state: with the configuration, travelled() and energy() all a
    /// checkpoint needs to continue this run exactly (restore()).
    RandomStream::State randomState() const { return rng_.state(); }
    void restore(const RandomStream::State& rng, double runningEnergy, const std::vector<Eigen::Vector3d>& travelled);
    /// The energy of particle i with every other particle (except `exclude`), as if it had
    /// species s (soft spheres: diameter `diameter`) at position x, which must lie within half
    /// the skin of where i was when the lists were last built (as every trial of move() does).
    double particleEnergy(int i, int s, const Eigen::Vector3d& x, int exclude = -1) const {
        return particleEnergy(i, s, diameters_.empty() ? 0.0 : diameters_[static_cast<std::size_t>(i)], x, exclude);
    }
    double particleEnergy(int i, int s, double diameter, const Eigen::Vector3d& x, int exclude = -1) const;

    /// Verlet-list rebuilds so far (tests, benchmarks).
    int listBuilds() const { return builds_; }

private:
    /// Rebuilds every particle's list (radius: largest cutoff + skin) from a cell grid; each row
    /// sorted by index, so that a particle's energy is summed in the same order whenever the list
    /// was built (pairs beyond the cutoff add exactly zero): a run continued from a checkpoint
    /// repeats the uninterrupted one bit for bit.
    void buildLists();
    /// Widens the skin (and rebuilds) when a translation of up to `maxDisplacement` per
    /// coordinate could leave half the skin in one move.
    void ensureSkin(double maxDisplacement);
    int cellOf(const Eigen::Vector3d& x) const;

    Model model_;
    int species_count_;
    std::vector<LjPair> table_;
    double box_;
    std::vector<int> species_;
    std::vector<double> diameters_; ///< soft spheres; empty for discrete mixtures
    bool soft_ = false;
    SoftSpherePair softPair_;
    std::vector<Eigen::Vector3d> x_;
    std::vector<Eigen::Vector3d> travel_;
    int cells_ = 0; ///< per side; 0: every particle is a candidate (small boxes)
    static constexpr int kReach = 2; ///< the stencil reaches this many cells (>= radius / 2 each) each way
    double skin_ = 0.6; ///< bench_core: 0.6-0.8 best (0.3: a rebuild every sweep, slower than cells)
    double maxCutoff_ = 0.0;
    std::vector<int> listStart_, list_;              ///< CSR: the neighbours of particle i, ascending
    std::vector<Eigen::Vector3d> travelAtBuild_;    ///< travel_ when the lists were built
    int builds_ = 0;
    RandomStream rng_;
    double energy_ = 0.0;
};

/// Preparing a glass by swap Monte Carlo: a random fcc start melted and cooled linearly from
/// startTemperature to finalTemperature over coolingSweeps (the translation step tuned towards
/// targetAcceptance during cooling only), then `sweeps` of production at finalTemperature with
/// every parameter fixed (detailed balance holds there).
struct SwapPreparationParameters {
    double startTemperature = 2.0;
    double finalTemperature = 0.5;
    long coolingSweeps = 1000;
    long sweeps = 10000;
    double swapProbability = 0.2;
    double maxDisplacement = 0.12;   ///< the initial step (tuned during cooling when `tune`)
    bool tune = true;
    double targetAcceptance = 0.4;
    std::vector<std::pair<int, int>> allowedSwaps;
    long logEvery = 100;             ///< sweeps between energy samples
    double relaxationWavenumber = 7.25; ///< q of F_s: the first peak of S(q) of KA at density 1.2
};

struct SwapPreparationResult {
    Configuration configuration;
    double energy = 0.0;             ///< recomputed at the end
    double energyDrift = 0.0;        ///< running minus recomputed energy
    double displacement = 0.0;       ///< the translation step of production
    SwapMcStatistics cooling, production;
    std::vector<std::pair<long, double>> energyPerParticle; ///< (sweep, E/N) every logEvery sweeps
    /// Relaxation during production (is the glass in equilibrium at T_f?): the mean-squared
    /// displacement of all particles and the self-intermediate scattering function
    /// F_s(q, t) = <sin(q |dr|) / (q |dr|)>, centre-of-mass drift removed, at q = relaxationWavenumber,
    /// between the first and the last production sweep. F_s below 1/e: the structure relaxed
    /// within the run.
    double productionMsd = 0.0;
    double productionFs = 1.0;
    bool stopped = false;
};

/// Where a preparation stands (reported every 16 sweeps and at the end).
struct SwapPreparationProgress {
    long sweep = 0, totalSweeps = 0;
    double temperature = 0.0;
    double energyPerParticle = 0.0;
    double translationAcceptance = 0.0, swapAcceptance = 0.0; ///< of the current stage so far
    bool production = false;         ///< in the production stage (else cooling)
    /// The running simulation, valid only during the callback (for snapshots: state->configuration()).
    const SwapMonteCarlo* state = nullptr;
    double fraction() const { return totalSweeps > 0 ? double(sweep) / double(totalSweeps) : 1.0; }
};

/// Everything a preparation needs to continue after `sweep` sweeps exactly as if it had not
/// stopped (the same glass, bit for bit): written by prepare's checkpoints, read by --resume.
struct SwapCheckpoint {
    long sweep = 0;                   ///< sweeps done (cooling and production together)
    double maxDisplacement = 0.0;     ///< the translation step at that point
    RandomStream::State rng{};
    double energy = 0.0;              ///< the running energy
    Configuration configuration;      ///< positions (wrapped), species, diameters
    std::vector<Eigen::Vector3d> travelled, atProduction; ///< displacements since the start; at production's start
    SwapMcStatistics cooling, production;
    std::vector<std::pair<long, double>> energyPerParticle;
};

/// Checkpoints of a preparation: `write` is called every `every` sweeps (0: never; not after
/// the last); `resumeFrom` continues a checkpoint of the same model, N, parameters and seed.
struct SwapCheckpointing {
    long every = 0;
    std::function<void(const SwapCheckpoint&)> write;
    const SwapCheckpoint* resumeFrom = nullptr;
};

SwapPreparationResult prepareSwapGlass(const Model& model, int n, const SwapPreparationParameters& p, std::uint64_t seed,
                                       const std::function<void(const SwapPreparationProgress&)>& progress = {},
                                       const std::atomic<bool>* stop = nullptr, const SwapCheckpointing& checkpoints = {});

} // namespace tlscope
