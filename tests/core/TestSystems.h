#pragma once
// Small systems shared by the core tests.
#include "core/dynamics/Preparation.h"
#include "core/io/ExtendedXyz.h"
#include "core/model/Model.h"
#include "core/potential/EnergySurface.h"

#include <algorithm>
#include <cmath>

#include <QtTest>

namespace tlscope::test {

/// A random KA-RH liquid of n particles briefly equilibrated at T (deterministic from seed).
inline Configuration liquid(int n, double temperature, std::uint64_t seed, double time = 5.0,
                            const std::string& model = "ka-rh") {
    EquilibrationParameters p;
    p.temperature = temperature;
    p.time = time;
    p.meltTime = 2.0;
    return generateEquilibratedLiquid(Model::preset(model), n, p, seed);
}

/// Largest |F_analytic + dE/dx| over all coordinates (relative to max(1, |F|)), by central differences.
inline double forceError(EnergySurface& p, const Eigen::VectorXd& x0, double h = 1e-6) {
    Eigen::VectorXd f;
    p.energyAndForce(x0, f);
    double worst = 0.0;
    Eigen::VectorXd x = x0;
    for (Eigen::Index k = 0; k < x.size(); ++k) {
        x[k] = x0[k] + h;
        const double ep = p.energy(x);
        x[k] = x0[k] - h;
        const double em = p.energy(x);
        x[k] = x0[k];
        worst = std::max(worst, std::abs(f[k] + (ep - em) / (2 * h)) / std::max(1.0, std::abs(f[k])));
    }
    return worst;
}

inline Configuration demoGlass() {
    const std::string path = std::string(TLSCOPE_SOURCE_DIR) + "/resources/demo/ka-rh-65.xyz";
    return readXyzFile(path).toConfiguration(Model::preset("ka-rh"), path);
}

} // namespace tlscope::test
