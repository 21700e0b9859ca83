#include "core/explore/Metabasin.h"

#include "core/common/Error.h"
#include "core/dynamics/MolecularDynamics.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace tlscope {

void WalkParameters::validate() const {
    auto fail = [](const std::string& what) { throw InputError("invalid exploration parameter: " + what); };
    if (!(temperature > 0.0) || !(temperature <= 100.0)) fail("--t-explore must be in (0, 100]");
    if (quenchEvery < 1) fail("--quench-every must be at least 1 MD step");
    if (steps < quenchEvery) fail("the run (--time / dt steps) must be at least one --quench-every interval");
    if (steps > 10'000'000'000L) fail("the run is longer than 1e10 steps");
    if (!(timeStep > 0.0) || timeStep > 0.05) fail("the time step must be in (0, 0.05]");
    if (!(friction > 0.0) || !std::isfinite(friction)) fail("the friction must be > 0");
    if (!(minimizerTolerance > 0.0)) fail("the minimizer tolerance must be > 0");
}

std::vector<std::pair<int, int>> MetabasinWalk::transitionPairs() const {
    std::vector<std::pair<int, int>> pairs;
    std::set<std::pair<int, int>> seen;
    for (std::size_t k = 1; k < sequence.size(); ++k) {
        const int a = sequence[k - 1], b = sequence[k];
        if (a == b) continue;
        const std::pair<int, int> key(std::min(a, b), std::max(a, b));
        if (seen.insert(key).second) pairs.push_back(key);
    }
    return pairs;
}

MetabasinWalk walkMetabasin(EnergySurface& surface, const Eigen::VectorXd& mass, const Eigen::VectorXd& start,
                            const WalkParameters& p, const SameMinimum& same, const WalkHooks& hooks,
                            const WalkCheckpoint* resume) {
    p.validate();
    if (start.size() != surface.dimension() || mass.size() != start.size())
        throw InputError("exploration: the start, the masses and the surface have different dimensions");
    MetabasinWalk w;
    MinimizerOptions mo;
    mo.forceTolerance = p.minimizerTolerance;
    mo.stop = hooks.stop;
    auto stopped = [&] { return hooks.stop && hooks.stop->load(std::memory_order_relaxed); };
    // The IS a quench reached: an earlier one (lowest index first) or a new one.
    auto record = [&](const Eigen::VectorXd& x, double e, long step) {
        int found = -1;
        for (std::size_t k = 0; k < w.minima.size() && found < 0; ++k)
            if (same(x, e, w.minima[k].positions, w.minima[k].energy)) found = static_cast<int>(k);
        const bool isNew = found < 0;
        if (isNew) {
            found = static_cast<int>(w.minima.size());
            w.minima.push_back({x, e, step, 0});
        }
        ++w.minima[static_cast<std::size_t>(found)].visits;
        if (!w.sequence.empty() && w.sequence.back() != found) ++w.transitions[{w.sequence.back(), found}];
        w.sequence.push_back(found);
        w.sequenceStep.push_back(step);
        if (hooks.quenched) hooks.quenched(w.sequence.size() - 1, found, isNew, w);
    };
    MdParameters md;
    md.timeStep = p.timeStep;
    md.thermostat = Thermostat::Langevin;
    md.temperature = p.temperature;
    md.friction = p.friction;
    MolecularDynamics dyn(surface, mass, md, RandomStream(p.seed, p.run));
    long first = p.quenchEvery;
    if (resume) {
        if (resume->md.positions.size() != start.size() || resume->md.velocities.size() != start.size() ||
            resume->md.forces.size() != start.size() || resume->walk.minima.empty() ||
            resume->step % p.quenchEvery != 0 || resume->step < 0 || resume->step > p.steps)
            throw InputError("exploration: the checkpoint does not belong to this walk (size, step or quench interval differ)");
        w = resume->walk;
        dyn.state() = resume->md;
        dyn.random().setState(resume->random);
        first = resume->step + p.quenchEvery;
    } else {
        Eigen::VectorXd x = start;
        surface.resetCaches();
        const MinimizationResult q0 = minimize(surface, x, p.minimizer, mo);
        if (stopped()) {
            w.stopped = true;
            return w;
        }
        if (!q0.converged()) throw NumericalError("exploration: the quench of the starting glass failed: " + q0.describe());
        record(x, q0.energy, 0);
        surface.resetCaches();
        dyn.setPositions(x); // from the IS, so the walk starts in the glass's own basin
        dyn.drawVelocities(p.temperature);
        if (hooks.boundary) hooks.boundary(w, dyn.state(), dyn.random().state());
    }
    for (long step = first; step <= p.steps; step += p.quenchEvery) {
        for (long k = 0; k < p.quenchEvery; ++k) {
            dyn.step();
            if ((k & 63) == 63 && stopped()) break;
        }
        if (stopped()) {
            w.stopped = true;
            return w;
        }
        if (!dyn.finite())
            throw NumericalError("exploration: the MD became non-finite at step " + std::to_string(step) +
                                 " (time step too large for this temperature?)");
        Eigen::VectorXd y = dyn.state().positions;
        if (hooks.beforeQuench) hooks.beforeQuench(y);
        surface.resetCaches();
        const MinimizationResult q = minimize(surface, y, p.minimizer, mo);
        if (stopped()) {
            w.stopped = true;
            return w;
        }
        if (q.converged()) record(y, q.energy, step);
        else ++w.failedQuenches;
        // The MD goes on from a fresh cache: what follows depends on the MD state alone.
        surface.resetCaches();
        if (hooks.boundary) hooks.boundary(w, dyn.state(), dyn.random().state());
    }
    return w;
}

} // namespace tlscope
