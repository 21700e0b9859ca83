#pragma once
// Velocity Verlet molecular dynamics with optional thermostats (PHYSICS.md §2).
#include "core/dynamics/Random.h"
#include "core/potential/EnergySurface.h"

#include <string>

namespace tlscope {

enum class Thermostat { None, Langevin, Andersen };
Thermostat parseThermostat(const std::string& name);
std::string thermostatName(Thermostat t);

struct MdParameters {
    double timeStep = 0.01;
    Thermostat thermostat = Thermostat::None;
    double temperature = 0.0;
    double friction = 1.0;           ///< Langevin gamma (1/time)
    double collisionFrequency = 1.0; ///< Andersen nu (per particle, 1/time)
    /// Steps use the surface's single-precision forces where it has them (twice as fast at
    /// N = 65 with AVX-512; relative force error ~1e-6): for trajectories whose individual path
    /// does not matter (the search's kicks, equilibration and sampling). The potential energy is
    /// then not computed during steps (NaN in the state; finite() checks the forces instead).
    bool singlePrecisionForces = false;
};

/// Positions, velocities and forces of a running trajectory.
struct MdState {
    Eigen::VectorXd positions, velocities, forces;
    double potentialEnergy = 0.0; ///< NaN after steps with single-precision forces
    long step = 0;
};

/// Integrates Newton's equations (velocity Verlet; BAOAB splitting for Langevin) for masses m.
class MolecularDynamics {
public:
    MolecularDynamics(EnergySurface& surface, Eigen::VectorXd massPerCoordinate,
                      MdParameters params, RandomStream rng);

    /// Sets positions, computes forces; velocities are zero until assigned.
    void setPositions(const Eigen::VectorXd& x);
    /// Whether positions, velocities, forces (and the energy, where computed) are all finite.
    bool finite() const;
    /// Maxwell-Boltzmann velocities at temperature T, centre-of-mass momentum removed.
    void drawVelocities(double temperature);
    void removeCentreOfMassMomentum();
    /// Changes the thermostat's target temperature (e.g. after melting).
    void setTemperature(double t) { params_.temperature = t; }
    void step();
    void run(long steps) {
        for (long s = 0; s < steps; ++s) step();
    }

    double kineticEnergy() const;
    /// Instantaneous temperature 2K / dof; dof = 3N - 3 without a thermostat (momentum is
    /// conserved), 3N with one.
    double temperature() const;
    double totalEnergy() const { return kineticEnergy() + state_.potentialEnergy; }
    const MdState& state() const { return state_; }
    MdState& state() { return state_; }
    const MdParameters& parameters() const { return params_; }
    RandomStream& random() { return rng_; }

private:
    EnergySurface& surface_;
    Eigen::VectorXd mass_, invMass_;
    MdParameters params_;
    void evaluate(); ///< forces (and energy) at the current positions
    RandomStream rng_;
    MdState state_;
};

} // namespace tlscope
