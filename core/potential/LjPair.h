#pragma once
// One Lennard-Jones pair term of a model, cut at r_c and shifted (energy, or energy and force).
#include "core/model/Model.h"

#include <cmath>

namespace tlscope {

struct LjPair {
    double sigma2 = 0, eps4 = 0, rc = 0, rc2 = 0, vAtCutoff = 0, dvAtCutoff = 0;

    static LjPair make(const PairParameters& p, CutoffMode mode) {
        LjPair t;
        t.sigma2 = p.sigma * p.sigma;
        t.eps4 = 4.0 * p.epsilon;
        t.rc = p.cutoff;
        t.rc2 = p.cutoff * p.cutoff;
        const double s6 = std::pow(p.sigma / p.cutoff, 6);
        t.vAtCutoff = t.eps4 * (s6 * s6 - s6);
        t.dvAtCutoff = mode == CutoffMode::ForceShifted ? -t.eps4 * (12.0 * s6 * s6 - 6.0 * s6) / p.cutoff : 0.0;
        return t;
    }
    /// The pair energy at squared distance r2 (zero beyond the cutoff).
    double energy(double r2) const {
        if (!(r2 < rc2)) return 0.0;
        const double inv2 = sigma2 / r2, s6 = inv2 * inv2 * inv2;
        double e = eps4 * (s6 * s6 - s6) - vAtCutoff;
        if (dvAtCutoff != 0.0) e -= (std::sqrt(r2) - rc) * dvAtCutoff;
        return e;
    }
};

} // namespace tlscope
