#pragma once
// Exploring the metabasin of a glass (Khomenko et al. PRL 124, 225901 (2020); Mocanu et al.
// JCP 158, 014501 (2023)): MD at a low temperature from the glass, a quench every k steps, the
// distinct inherent structures (IS) it visits and the transitions between successive ones.
// The walk works on any EnergySurface (tests use a two-minimum toy landscape); the DWP analysis
// of the transition pairs is in Exploration.h.
#include "core/dynamics/MolecularDynamics.h"
#include "core/landscape/Minimizer.h"
#include "core/potential/EnergySurface.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tlscope {

struct WalkParameters {
    double temperature = 0.05;   ///< T of the exploration (Langevin thermostat)
    long quenchEvery = 100;      ///< MD steps between quenches
    long steps = 100000;         ///< MD steps in all
    double timeStep = 0.01;
    double friction = 1.0;       ///< Langevin gamma
    std::uint64_t seed = 1;
    std::uint64_t run = 0;       ///< independent runs of one glass: random stream `run` of `seed`
    MinimizerKind minimizer = MinimizerKind::Lbfgs;
    double minimizerTolerance = 1e-10;
    /// Throws InputError naming the first impossible value.
    void validate() const;
};

/// One distinct inherent structure of the walk.
struct VisitedMinimum {
    Eigen::VectorXd positions;
    double energy = 0.0;
    long firstStep = 0;          ///< MD step of the first quench that reached it
    int visits = 0;              ///< quenches that reached it
};

/// The IS sequence, the distinct IS and the observed transitions of one walk.
struct MetabasinWalk {
    std::vector<VisitedMinimum> minima;      ///< index 0: the quenched starting glass
    std::vector<int> sequence;               ///< the IS of every quench, in order (the start first)
    std::vector<long> sequenceStep;          ///< the MD step of each quench
    std::map<std::pair<int, int>, int> transitions; ///< (from, to) -> count, successive distinct IS
    int failedQuenches = 0;                  ///< quenches that did not converge (skipped)
    bool stopped = false;
    /// Unordered pairs of distinct IS seen in succession, in order of first observation.
    std::vector<std::pair<int, int>> transitionPairs() const;
};

/// Everything a walk needs to continue from a quench boundary exactly as it would have gone on:
/// the walk so far and the MD state (positions, velocities, forces, energy, step, generator).
struct WalkCheckpoint {
    MetabasinWalk walk;
    MdState md;
    RandomStream::State random{};
    long step = 0; ///< the MD step of the last quench boundary (md.step)
};

/// Whether two minima (positions, energies) are the same; PHYSICS.md §3.
using SameMinimum = std::function<bool(const Eigen::VectorXd&, double, const Eigen::VectorXd&, double)>;

struct WalkHooks {
    /// After every quench: its index in the sequence, the IS it reached, and whether it is new.
    std::function<void(std::size_t quench, int minimum, bool isNew, const MetabasinWalk&)> quenched;
    /// The MD configuration each quench starts from (tests).
    std::function<void(const Eigen::VectorXd&)> beforeQuench;
    /// At every quench boundary (after the quench was recorded): a state to resume from. The
    /// hook decides whether to save it (e.g. once a minute); it must not keep the references.
    std::function<void(const MetabasinWalk&, const MdState&, const RandomStream::State&)> boundary;
    const std::atomic<bool>* stop = nullptr;
};

/// Quenches `start`, then runs Langevin MD at p.temperature, quenching a copy every
/// p.quenchEvery steps; reproducible from (p.seed, p.run). The surface's caches are reset at
/// every quench boundary, so a walk continued from a WalkCheckpoint (`resume`, taken by the
/// `boundary` hook of a run with the same parameters) ends exactly as the uninterrupted one.
MetabasinWalk walkMetabasin(EnergySurface& surface, const Eigen::VectorXd& massPerCoordinate, const Eigen::VectorXd& start,
                            const WalkParameters& p, const SameMinimum& same, const WalkHooks& hooks = {},
                            const WalkCheckpoint* resume = nullptr);

} // namespace tlscope
