#pragma once
// Structure of a configuration: the radial distribution function g(r).
#include "core/system/Configuration.h"

#include <vector>

namespace tlscope {

/// g(r) in `bins` shells of equal width up to rMax (< L/2), over all particle pairs, normalised
/// by the ideal-gas count N (N-1)/2 * (shell volume) / V, so g -> 1 at large r in a liquid.
/// Bin k covers [k dr, (k+1) dr).
std::vector<double> radialDistribution(const Configuration& c, double rMax, int bins);

} // namespace tlscope
