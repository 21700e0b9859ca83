#pragma once
// Reduced Lennard-Jones units and their NiP mapping (PHYSICS.md §1.1).

namespace tlscope::units {

inline constexpr double kelvinPerEpsilon = 933.9;       ///< eps_AA / k_B for NiP
inline constexpr double epsilonPerKelvin = 1.0 / 933.9; ///< 1 K = 1.0708e-3 eps
inline constexpr double sigmaAngstrom = 2.2;
inline constexpr double massAtomicUnits = 62.0;
inline constexpr double timePicoseconds = 0.622;
/// hbar / (sigma sqrt(m eps)) with the NiP mapping.
inline constexpr double hbarReduced = 0.013157;
inline constexpr double boltzmannJoulePerKelvin = 1.380649e-23;

inline constexpr double toKelvin(double energyReduced) { return energyReduced * kelvinPerEpsilon; }
inline constexpr double fromKelvin(double kelvin) { return kelvin * epsilonPerKelvin; }

} // namespace tlscope::units
