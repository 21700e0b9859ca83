#include "core/dynamics/Preparation.h"

#include "core/common/Error.h"
#include "core/landscape/Minimizer.h"
#include "core/model/Model.h"
#include "core/potential/PairPotential.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace tlscope {

Configuration randomLatticeStart(const Model& model, int n, RandomStream& rng) {
    if (n < 2) throw InputError("need at least 2 particles, got " + std::to_string(n));
    if (model.copies > 1) { // each copy a start of its own, one after the other in the stream
        const int per = model.particlesPerCopy(n);
        Model single = model;
        single.copies = 1;
        Configuration c;
        c.positions.resize(3 * n);
        for (int k = 0; k < model.copies; ++k) {
            const Configuration part = randomLatticeStart(single, per, rng);
            c.boxLength = part.boxLength;
            c.positions.segment(3 * k * per, 3 * per) = part.positions;
            c.species.insert(c.species.end(), part.species.begin(), part.species.end());
            c.diameters.insert(c.diameters.end(), part.diameters.begin(), part.diameters.end());
        }
        return c;
    }
    Configuration c;
    c.boxLength = model.boxLengthFor(n);
    int cells = 1;
    while (4 * cells * cells * cells < n) ++cells;
    const double a = c.boxLength / cells;
    static const double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    std::vector<Eigen::Vector3d> sites;
    for (int i = 0; i < cells; ++i)
        for (int j = 0; j < cells; ++j)
            for (int k = 0; k < cells; ++k)
                for (const auto& b : basis)
                    sites.emplace_back(a * (i + b[0] + 0.25), a * (j + b[1] + 0.25),
                                       a * (k + b[2] + 0.25));
    // Partial Fisher-Yates: the first n sites after shuffling are the occupied ones.
    for (int s = 0; s < n; ++s) {
        const auto pick = s + static_cast<int>(rng.below(sites.size() - s));
        std::swap(sites[s], sites[pick]);
    }
    c.positions.resize(3 * n);
    for (int s = 0; s < n; ++s) c.positions.segment<3>(3 * s) = sites[s];
    const auto counts = model.composition(n);
    for (int sp = 0; sp < model.speciesCount(); ++sp)
        for (int k = 0; k < counts[sp]; ++k) c.species.push_back(sp);
    for (int s = n - 1; s > 0; --s) std::swap(c.species[s], c.species[rng.below(s + 1)]);
    c.diameters = drawDiameters(model, n, rng);
    return c;
}

std::vector<double> drawDiameters(const Model& model, int n, RandomStream& rng) {
    if (!model.perParticleDiameters()) return {};
    std::vector<double> d(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) d[static_cast<std::size_t>(k)] = model.softSphere.quantile((k + 0.5) / n);
    for (int s = n - 1; s > 0; --s) std::swap(d[static_cast<std::size_t>(s)], d[rng.below(static_cast<std::uint64_t>(s + 1))]);
    return d;
}

Configuration generateEquilibratedLiquid(const Model& model, int n,
                                         const EquilibrationParameters& p, std::uint64_t seed,
                                         const std::function<void(double)>& progress,
                                         RelaxationCurve* relaxation, const std::function<bool()>& stop) {
    if (!(p.temperature > 0.0) || !(p.temperature <= 100.0)) throw InputError("temperature must be in (0, 100]");
    if (!(p.time >= 0.0) || !(p.meltTime >= 0.0) || !(p.time <= 1e7) || !(p.meltTime <= 1e7))
        throw InputError("equilibration and melt times must be in [0, 1e7]");
    RandomStream rng(seed, 0);
    Configuration c = randomLatticeStart(model, n, rng);
    c.validateAgainst(model, "generated configuration");
    PairPotential potential(model, c);
    // Lattice sites may be closer than the B-B or A-A core; relax roughly before any dynamics.
    MinimizerOptions rough;
    rough.forceTolerance = 1.0;
    rough.maxIterations = 5000;
    minimize(potential, c.positions, MinimizerKind::Fire, rough);

    MdParameters md;
    md.timeStep = p.timeStep;
    md.thermostat = p.thermostat == Thermostat::None ? Thermostat::Langevin : p.thermostat;
    md.friction = p.friction;
    md.temperature = std::max(p.meltTemperature, p.temperature);
    md.singlePrecisionForces = p.singlePrecisionForces;
    MolecularDynamics dyn(potential, c.massVector(model), md, RandomStream(seed, 1));
    dyn.setPositions(c.positions);
    dyn.drawVelocities(md.temperature);
    const long meltSteps = std::lround(p.meltTime / p.timeStep);
    const long steps = std::lround(p.time / p.timeStep);
    const long total = meltSteps + steps;
    const long origin = meltSteps + steps / 2; // relaxation measured from here to the end
    std::unique_ptr<RelaxationMonitor> monitor;
    std::vector<long> samples;
    std::size_t nextSample = 0;
    if (relaxation) samples = logSpacedSteps(total - origin);
    for (long s = 0; s < total; ++s) {
        if (stop && s % 256 == 0 && stop()) break; // the caller sees the flag
        if (s == meltSteps) dyn.setTemperature(p.temperature);
        if (relaxation && s == origin) // positions in MD stay unwrapped: displacements are continuous
            monitor = std::make_unique<RelaxationMonitor>(dyn.state().positions, c.species, 0,
                                                          7.25 / model.pair(0, 0).sigma);
        dyn.step();
        if (monitor && nextSample < samples.size() && s + 1 - origin == samples[nextSample]) {
            monitor->sample(static_cast<double>(samples[nextSample]) * p.timeStep, dyn.state().positions);
            ++nextSample;
        }
        if (progress && s % 1000 == 0) progress(static_cast<double>(s) / total);
        if (!dyn.finite())
            throw NumericalError("equilibration became unstable (non-finite energy) at step " +
                                 std::to_string(s) + "; try a smaller time step");
    }
    if (progress) progress(1.0);
    if (relaxation) *relaxation = monitor ? monitor->curve() : RelaxationCurve{};
    c.positions = dyn.state().positions;
    c.positions = c.wrappedPositions();
    return c;
}

} // namespace tlscope
