#pragma once
// The pair term of polydisperse soft spheres (PHYSICS.md §1.3; Ninarello, Berthier & Coslovich,
// PRX 7, 021039 (2017)): V = eps [(s/r)^12 + c0 + c2 (r/s)^2 + c4 (r/s)^4] for r < xc s, where
// s = sigma_ij and the c's make V, V' and V'' vanish at the cutoff xc s.
#include "core/model/Model.h"

#include <cmath>

namespace tlscope {

struct SoftSpherePair {
    double eps = 1.0, xc2 = 1.5625, c0 = 0, c2 = 0, c4 = 0, nonAdditivity = 0.2;

    static SoftSpherePair make(const SoftSphereParameters& p) {
        SoftSpherePair t;
        t.eps = p.epsilon;
        t.nonAdditivity = p.nonAdditivity;
        const double xc = p.cutoffFactor;
        t.xc2 = xc * xc;
        t.c0 = -28.0 / std::pow(xc, 12);
        t.c2 = 48.0 / std::pow(xc, 14);
        t.c4 = -21.0 / std::pow(xc, 16);
        return t;
    }
    /// sigma_ij of two diameters.
    double sigma(double si, double sj) const { return 0.5 * (si + sj) * (1.0 - nonAdditivity * std::abs(si - sj)); }
    /// Squared cutoff for a pair of this sigma_ij.
    double cutoff2(double s) const { return xc2 * s * s; }
    /// Energy at squared distance r2 for a pair of sigma_ij = s (zero beyond the cutoff).
    double energy(double r2, double s) const {
        const double x2 = r2 / (s * s);
        if (!(x2 < xc2)) return 0.0;
        const double u = 1.0 / x2, u3 = u * u * u;
        return eps * (u3 * u3 + c0 + c2 * x2 + c4 * x2 * x2);
    }
    /// Energy, dV/dr divided by r, and d2V/dr2 at squared distance r2 < cutoff2(s).
    void derivatives(double r2, double s, double& e, double& dEdrOverR, double& d2Edr2) const {
        const double is2 = 1.0 / (s * s), x2 = r2 * is2, u = 1.0 / x2, u3 = u * u * u, u6 = u3 * u3;
        e = eps * (u6 + c0 + c2 * x2 + c4 * x2 * x2);
        // f'(x)/x = -12 x^-14 + 2 c2 + 4 c4 x^2;  f''(x) = 156 x^-14 + 2 c2 + 12 c4 x^2.
        dEdrOverR = eps * is2 * (-12.0 * u6 * u + 2.0 * c2 + 4.0 * c4 * x2);
        d2Edr2 = eps * is2 * (156.0 * u6 * u + 2.0 * c2 + 12.0 * c4 * x2);
    }
};

} // namespace tlscope
