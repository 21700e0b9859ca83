#pragma once
// Making starting configurations: a random liquid equilibrated at a temperature.
#include "core/dynamics/MolecularDynamics.h"
#include "core/dynamics/Relaxation.h"
#include "core/system/Configuration.h"

#include <cstdint>
#include <functional>

namespace tlscope {

class Model;

/// N particles on randomly chosen sites of an fcc lattice filling the box, species shuffled
/// (and, for soft spheres, diameters drawn by drawDiameters).
Configuration randomLatticeStart(const Model& model, int n, RandomStream& rng);

/// n diameters of the model's distribution (soft spheres): the quantiles (k + 1/2)/n of P(sigma)
/// in a shuffled order, so every system of one size holds the same set of diameters and
/// glasses differ only in structure. Empty for models without per-particle diameters.
std::vector<double> drawDiameters(const Model& model, int n, RandomStream& rng);

struct EquilibrationParameters {
    double temperature = 0.5;
    double time = 100.0;       ///< in LJ time units at the target temperature
    double meltTemperature = 2.0;
    double meltTime = 10.0;    ///< at the melt temperature first, to forget the lattice
    double timeStep = 0.01;
    Thermostat thermostat = Thermostat::Langevin;
    double friction = 1.0;
    bool singlePrecisionForces = false; ///< MdParameters::singlePrecisionForces for the whole run
};

/// Random start -> overlap removal -> melt -> equilibrate at T. `progress(fraction)` is called
/// now and then. Positions of the result are wrapped into the box. With `relaxation`, the MSD and
/// F_s(q, t) of species 0 (q = 7.25 / sigma_00, the first peak of S(q) for Kob-Andersen) are
/// recorded over the second half of the time at T, from its midpoint: the relaxation of the
/// liquid the starting structures are quenched from. Does not change the trajectory. With `stop`
/// set, it returns within 256 steps, unequilibrated (the caller must check the flag).
Configuration generateEquilibratedLiquid(const Model& model, int n,
                                         const EquilibrationParameters& p, std::uint64_t seed,
                                         const std::function<void(double)>& progress = {},
                                         RelaxationCurve* relaxation = nullptr,
                                         const std::function<bool()>& stop = {});

} // namespace tlscope
