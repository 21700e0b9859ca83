#include "core/dynamics/MolecularDynamics.h"

#include "core/common/Error.h"

#include <cmath>
#include <limits>

namespace tlscope {

Thermostat parseThermostat(const std::string& name) {
    if (name == "none" || name == "nve") return Thermostat::None;
    if (name == "langevin") return Thermostat::Langevin;
    if (name == "andersen") return Thermostat::Andersen;
    throw InputError("unknown thermostat '" + name + "', expected none, langevin or andersen");
}

std::string thermostatName(Thermostat t) {
    switch (t) {
    case Thermostat::None: return "none";
    case Thermostat::Langevin: return "langevin";
    case Thermostat::Andersen: return "andersen";
    }
    return "none";
}

MolecularDynamics::MolecularDynamics(EnergySurface& surface, Eigen::VectorXd massPerCoordinate,
                                     MdParameters params, RandomStream rng)
    : surface_(surface), mass_(std::move(massPerCoordinate)), params_(params), rng_(rng) {
    if (!(params_.timeStep > 0.0)) throw InputError("time step must be > 0");
    if (params_.thermostat != Thermostat::None && !(params_.temperature > 0.0))
        throw InputError("a thermostat needs a temperature > 0");
    if (params_.friction <= 0.0 || params_.collisionFrequency <= 0.0)
        throw InputError("thermostat friction / collision frequency must be > 0");
    invMass_ = mass_.cwiseInverse();
}

void MolecularDynamics::setPositions(const Eigen::VectorXd& x) {
    state_.positions = x;
    state_.velocities.setZero(x.size());
    state_.potentialEnergy = surface_.energyAndForce(state_.positions, state_.forces);
}

bool MolecularDynamics::finite() const {
    return state_.positions.allFinite() && state_.velocities.allFinite() && state_.forces.allFinite() &&
           (params_.singlePrecisionForces || std::isfinite(state_.potentialEnergy));
}

void MolecularDynamics::evaluate() {
    if (params_.singlePrecisionForces && surface_.singlePrecisionForce(state_.positions, state_.forces))
        state_.potentialEnergy = std::numeric_limits<double>::quiet_NaN();
    else
        state_.potentialEnergy = surface_.energyAndForce(state_.positions, state_.forces);
}

void MolecularDynamics::drawVelocities(double temperature) {
    auto& v = state_.velocities;
    v.resize(state_.positions.size());
    for (Eigen::Index k = 0; k < v.size(); ++k)
        v[k] = std::sqrt(temperature * invMass_[k]) * rng_.normal();
    removeCentreOfMassMomentum();
}

void MolecularDynamics::removeCentreOfMassMomentum() {
    auto& v = state_.velocities;
    const Eigen::Index n = v.size() / 3;
    Eigen::Vector3d p = Eigen::Vector3d::Zero();
    double mtot = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        p += mass_[3 * i] * v.segment<3>(3 * i);
        mtot += mass_[3 * i];
    }
    const Eigen::Vector3d vcm = p / mtot;
    for (Eigen::Index i = 0; i < n; ++i) v.segment<3>(3 * i) -= vcm;
}

void MolecularDynamics::step() {
    const double dt = params_.timeStep;
    auto& x = state_.positions;
    auto& v = state_.velocities;
    auto& f = state_.forces;
    if (params_.thermostat == Thermostat::Langevin) {
        // BAOAB (Leimkuhler & Matthews): exact Ornstein-Uhlenbeck step between two half drifts.
        const double c1 = std::exp(-params_.friction * dt);
        const double c2 = std::sqrt(1.0 - c1 * c1);
        v.array() += 0.5 * dt * f.array() * invMass_.array();
        x += 0.5 * dt * v;
        for (Eigen::Index k = 0; k < v.size(); ++k)
            v[k] = c1 * v[k] + c2 * std::sqrt(params_.temperature * invMass_[k]) * rng_.normal();
        x += 0.5 * dt * v;
        evaluate();
        v.array() += 0.5 * dt * f.array() * invMass_.array();
    } else {
        v.array() += 0.5 * dt * f.array() * invMass_.array();
        x += dt * v;
        evaluate();
        v.array() += 0.5 * dt * f.array() * invMass_.array();
        if (params_.thermostat == Thermostat::Andersen) {
            const double p = params_.collisionFrequency * dt;
            const Eigen::Index n = v.size() / 3;
            for (Eigen::Index i = 0; i < n; ++i)
                if (rng_.uniform() < p)
                    for (int k = 0; k < 3; ++k)
                        v[3 * i + k] =
                            std::sqrt(params_.temperature * invMass_[3 * i + k]) * rng_.normal();
        }
    }
    ++state_.step;
}

double MolecularDynamics::kineticEnergy() const {
    return 0.5 * (mass_.array() * state_.velocities.array().square()).sum();
}

double MolecularDynamics::temperature() const {
    const double dof = static_cast<double>(state_.velocities.size()) -
                       (params_.thermostat == Thermostat::None ? 3.0 : 0.0);
    return 2.0 * kineticEnergy() / dof;
}

} // namespace tlscope
