#include "core/dynamics/TrajectorySampling.h"

#include "core/common/Error.h"
#include "core/model/Model.h"
#include "core/potential/PairPotential.h"

#include <cmath>
#include <memory>

namespace tlscope {

TrajectorySample sampleTrajectory(const Model& model, int n, const EquilibrationParameters& p,
                                  double interval, int count, std::uint64_t seed,
                                  const std::function<void(int, int)>& progress,
                                  const std::function<bool()>& stop,
                                  const std::function<void(int, const Configuration&)>& sampled) {
    if (count < 1) throw InputError("trajectory sampling: at least one configuration");
    if (count > 1 && (!(interval > 0.0) || !std::isfinite(interval)))
        throw InputError("trajectory sampling: the sampling interval must be > 0");
    TrajectorySample out;
    Configuration c = generateEquilibratedLiquid(model, n, p, seed, {}, nullptr, stop);
    if (stop && stop()) return out;
    out.configurations.push_back(c);
    if (sampled) sampled(0, c);
    if (progress) progress(1, count);
    if (count == 1) return out;
    // Continue the same thermostatted trajectory. Velocities are redrawn from Maxwell-Boltzmann
    // at T: with positions already in equilibrium that is still an equilibrium trajectory.
    PairPotential potential(model, c);
    MdParameters md;
    md.timeStep = p.timeStep;
    md.thermostat = p.thermostat == Thermostat::None ? Thermostat::Langevin : p.thermostat;
    md.friction = p.friction;
    md.temperature = p.temperature;
    md.singlePrecisionForces = p.singlePrecisionForces;
    MolecularDynamics dyn(potential, c.massVector(model), md, RandomStream(seed, 3));
    dyn.setPositions(c.positions);
    dyn.drawVelocities(p.temperature);
    const long perSample = std::max(1L, std::lround(interval / p.timeStep));
    const long total = perSample * (count - 1);
    RelaxationMonitor monitor(dyn.state().positions, c.species, 0, 7.25 / model.pair(0, 0).sigma);
    const std::vector<long> logSteps = logSpacedSteps(total);
    std::size_t next = 0;
    for (long s = 1; s <= total; ++s) {
        dyn.step();
        if (next < logSteps.size() && s == logSteps[next]) {
            monitor.sample(static_cast<double>(s) * p.timeStep, dyn.state().positions);
            ++next;
        }
        if (!dyn.finite())
            throw NumericalError("the sampling trajectory became unstable (non-finite energy) at step " + std::to_string(s));
        if (s % perSample == 0) {
            c.positions = dyn.state().positions;
            c.positions = c.wrappedPositions();
            out.configurations.push_back(c);
            if (sampled) sampled(static_cast<int>(out.configurations.size()) - 1, c);
            if (progress) progress(static_cast<int>(out.configurations.size()), count);
            if (stop && stop()) break;
        }
    }
    out.relaxation = monitor.curve();
    return out;
}

} // namespace tlscope

#include "core/landscape/Minimizer.h"

namespace tlscope {

InherentStructureSeries inherentStructureSeries(const Model& model, int n, const EquilibrationParameters& p,
                                                double interval, int count, std::uint64_t seed,
                                                double forceTolerance, const std::function<bool()>& stop) {
    const TrajectorySample t = sampleTrajectory(model, n, p, interval, count, seed, {}, stop);
    InherentStructureSeries out;
    out.tauAlpha = t.relaxation.time.empty() ? -1.0 : t.relaxation.tauAlpha();
    MinimizerOptions mo;
    mo.forceTolerance = forceTolerance;
    for (const Configuration& c : t.configurations) {
        PairPotential pot(model, c);
        Eigen::VectorXd x = c.positions;
        const MinimizationResult r = minimize(pot, x, MinimizerKind::ConjugateGradient, mo);
        if (r.converged()) out.energies.push_back(r.energy);
        else ++out.failedQuenches;
    }
    const std::size_t m = out.energies.size();
    if (m > 2) {
        double mean = 0.0;
        for (double e : out.energies) mean += e;
        mean /= static_cast<double>(m);
        double c0 = 0.0, c1 = 0.0;
        for (std::size_t k = 0; k < m; ++k) c0 += (out.energies[k] - mean) * (out.energies[k] - mean);
        for (std::size_t k = 1; k < m; ++k) c1 += (out.energies[k] - mean) * (out.energies[k - 1] - mean);
        out.lag1Correlation = c0 > 0 ? c1 / c0 : 0.0;
    }
    return out;
}

InherentStructureStatistics inherentStructureStatistics(const std::vector<InherentStructureSeries>& runs) {
    InherentStructureStatistics s;
    std::vector<double> means, sds;
    double total = 0.0;
    for (const auto& r : runs) {
        if (r.energies.empty()) continue;
        ++s.runs;
        double m = 0.0;
        for (double e : r.energies) m += e, total += e, ++s.samples;
        m /= static_cast<double>(r.energies.size());
        means.push_back(m);
        if (r.energies.size() > 1) {
            double v = 0.0;
            for (double e : r.energies) v += (e - m) * (e - m);
            sds.push_back(std::sqrt(v / static_cast<double>(r.energies.size() - 1)));
        }
    }
    if (s.samples == 0) return s;
    s.mean = total / static_cast<double>(s.samples);
    auto meanAndError = [](const std::vector<double>& v, double& mean, double& error) {
        mean = 0.0, error = 0.0;
        if (v.empty()) return;
        for (double x : v) mean += x;
        mean /= static_cast<double>(v.size());
        if (v.size() < 2) return;
        double var = 0.0;
        for (double x : v) var += (x - mean) * (x - mean);
        error = std::sqrt(var / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
    };
    double unused = 0.0;
    meanAndError(means, unused, s.meanError);
    if (!sds.empty()) {
        meanAndError(sds, s.sd, s.sdError);
    } else {
        // One sample per run (the independent-liquids protocol): the sd is across runs.
        double var = 0.0;
        for (double m : means) var += (m - s.mean) * (m - s.mean);
        s.sd = means.size() > 1 ? std::sqrt(var / static_cast<double>(means.size() - 1)) : 0.0;
        s.sdError = means.size() > 1 ? s.sd / std::sqrt(2.0 * static_cast<double>(means.size() - 1)) : 0.0;
    }
    return s;
}

} // namespace tlscope
