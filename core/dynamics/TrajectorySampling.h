#pragma once
// Starting configurations sampled along one long equilibrium trajectory (Reinisch & Heuer's
// protocol, PHYSICS.md §2): melt, equilibrate, then one configuration every `interval`.
#include "core/dynamics/Preparation.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace tlscope {

struct TrajectorySample {
    std::vector<Configuration> configurations; ///< wrapped positions, in trajectory order
    /// MSD and F_s of species 0 from the first sample to the last (the decorrelation the
    /// interval buys: compare `interval` with relaxation.tauAlpha()).
    RelaxationCurve relaxation;
};

/// Equilibrates as generateEquilibratedLiquid(model, n, p, seed) does, then continues the
/// Langevin trajectory at p.temperature and keeps `count` configurations `interval` apart, the
/// first at the end of the equilibration (so count = 1 is exactly generateEquilibratedLiquid).
/// `stop` is polled between samples; `progress(done, count)` after each, and `sampled(k, c)` with
/// each configuration as soon as it is made (so consumers can start on it while the trajectory
/// goes on).
TrajectorySample sampleTrajectory(const Model& model, int n, const EquilibrationParameters& p,
                                  double interval, int count, std::uint64_t seed,
                                  const std::function<void(int, int)>& progress = {},
                                  const std::function<bool()>& stop = {},
                                  const std::function<void(int, const Configuration&)>& sampled = {});

} // namespace tlscope

namespace tlscope {

/// One equilibrium run's inherent structures: the trajectory above, each sample quenched (CG to
/// max |F| < forceTolerance). Energies are totals (not per particle).
struct InherentStructureSeries {
    std::vector<double> energies;
    int failedQuenches = 0;
    double tauAlpha = -1.0;        ///< of the sampling trajectory (< 0: F_s never fell below 1/e)
    double lag1Correlation = 0.0;  ///< of successive IS energies: ~0 when the interval decorrelates
};

InherentStructureSeries inherentStructureSeries(const Model& model, int n, const EquilibrationParameters& p,
                                                double interval, int count, std::uint64_t seed,
                                                double forceTolerance = 1e-10,
                                                const std::function<bool()>& stop = {});

/// Mean, standard deviation and the standard error of the mean of several runs' IS energies:
/// errors from the scatter between independent runs (each run's samples may be correlated).
struct InherentStructureStatistics {
    int runs = 0;
    long samples = 0;
    double mean = 0.0, meanError = 0.0; ///< over all samples; error from the run means
    double sd = 0.0, sdError = 0.0;     ///< pooled within-run sd; error from the run sds
};
InherentStructureStatistics inherentStructureStatistics(const std::vector<InherentStructureSeries>& runs);

} // namespace tlscope
