#pragma once
// 1D Schroedinger equation along a double-well path: the lowest levels, where they live, and the
// two-level-system quantities built from them (PHYSICS.md §6; conventions in docs/quantum.md).
#include <Eigen/Core>

#include <vector>

namespace tlscope {

/// Lowest `count` eigenvalues of -(hbar^2/2) psi'' + V psi on a uniform grid of spacing h
/// (second-order finite differences, psi = 0 beyond the grid ends).
Eigen::VectorXd lowestLevels(const Eigen::VectorXd& potentialOnGrid, double h, double hbar,
                             int count);

/// The normalised (sum psi^2 = 1) eigenvector of the same finite-difference Hamiltonian for an
/// eigenvalue `level` found by `lowestLevels` (inverse iteration, O(n) per sweep).
Eigen::VectorXd levelWavefunction(const Eigen::VectorXd& potentialOnGrid, double h, double hbar,
                                  double level);

/// A potential profile V(s) sampled at increasing mass-weighted arc lengths s. The profile must
/// contain the wavefunctions: the solver puts hard walls at its two ends.
struct PathProfile {
    std::vector<double> s, energy;
};

/// Where a level lives: its probability on each side of the barrier top.
enum class Localisation { Both = 0, Well1 = 1, Well2 = 2 };
const char* localisationName(Localisation where); ///< "both", "well 1", "well 2"

/// The quantum description of a double well (all energies in reduced units).
struct QuantumLevels {
    double e0 = 0.0, e1 = 0.0;        ///< lowest two levels of the whole profile
    double splitting = 0.0;           ///< E_qs = E1 - E0 (Khomenko et al., Mocanu et al.)
    double level0Well1 = 0.0, level1Well1 = 0.0; ///< probability of levels 0 and 1 in well 1
    Localisation level0 = Localisation::Both, level1 = Localisation::Both; ///< > 90 % on one side
    double groundWell1 = 0.0, groundWell2 = 0.0; ///< lowest level of each well alone
    double quantumAsymmetry = 0.0;    ///< Delta = |groundWell2 - groundWell1|
    double omega1 = 0.0, omega2 = 0.0; ///< harmonic frequencies of the wells along s
    double wkbAction = 0.0;           ///< int sqrt(2 (V - E)) ds where V > E, E = mean well ground
    double delta0 = 0.0;              ///< tunnelling amplitude, WKB: hbar sqrt(w1 w2)/pi exp(-S/hbar)
    double twoLevelEnergy = 0.0;      ///< E = sqrt(Delta^2 + Delta0^2)
};

/// Solves the profile on a uniform grid (monotone cubic interpolation of the samples, hard walls
/// at both ends). `sBarrier` divides well 1 (s < sBarrier) from well 2; `sMinimum1/2` are the
/// minima, where omega is read off the profile's curvature. Each well alone is the profile cut
/// at the barrier top with a hard wall there.
QuantumLevels solveDoubleWell(const PathProfile& profile, double sMinimum1, double sBarrier,
                              double sMinimum2, double hbar, int gridPoints = 4000);

} // namespace tlscope
