#include "core/analysis/Structure.h"

#include "core/common/Error.h"

#include <cmath>

namespace tlscope {

std::vector<double> radialDistribution(const Configuration& c, double rMax, int bins) {
    const double L = c.boxLength, invL = 1.0 / L;
    if (!(rMax > 0.0 && rMax <= 0.5 * L)) throw InputError("g(r): rMax must be in (0, L/2]");
    if (bins < 1) throw InputError("g(r): need at least one bin");
    const int n = c.size();
    const double dr = rMax / bins;
    std::vector<double> g(static_cast<std::size_t>(bins), 0.0);
    for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j) {
            double r2 = 0.0;
            for (int k = 0; k < 3; ++k) {
                const double d = minimumImage(c.positions[3 * i + k] - c.positions[3 * j + k], L, invL);
                r2 += d * d;
            }
            const double r = std::sqrt(r2);
            if (r < rMax) g[static_cast<std::size_t>(std::min(bins - 1, static_cast<int>(r / dr)))] += 1.0;
        }
    const double pairs = 0.5 * n * (n - 1.0), volume = L * L * L, pi = std::acos(-1.0);
    for (int k = 0; k < bins; ++k) {
        const double shell = 4.0 / 3.0 * pi * (std::pow((k + 1) * dr, 3) - std::pow(k * dr, 3));
        g[static_cast<std::size_t>(k)] /= pairs * shell / volume;
    }
    return g;
}

} // namespace tlscope
