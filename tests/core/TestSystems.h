#pragma once
// Small systems shared by the core tests.
#include "core/dynamics/Preparation.h"
#include "core/io/ExtendedXyz.h"
#include "core/model/Model.h"

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

inline Configuration demoGlass() {
    const std::string path = std::string(TLSCOPE_SOURCE_DIR) + "/resources/demo/ka-rh-65.xyz";
    return readXyzFile(path).toConfiguration(Model::preset("ka-rh"), path);
}

} // namespace tlscope::test
