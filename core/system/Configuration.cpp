#include "core/system/Configuration.h"

#include "core/common/Error.h"
#include "core/model/Model.h"

#include <cmath>
#include <sstream>

namespace tlscope {

Eigen::VectorXd Configuration::massVector(const Model& model) const {
    Eigen::VectorXd m(3 * size());
    for (int i = 0; i < size(); ++i) m.segment<3>(3 * i).setConstant(model.species[species[i]].mass);
    return m;
}

Eigen::VectorXd Configuration::wrappedPositions() const {
    Eigen::VectorXd w = positions;
    for (Eigen::Index k = 0; k < w.size(); ++k) {
        w[k] -= boxLength * std::floor(w[k] / boxLength);
        if (w[k] >= boxLength) w[k] -= boxLength; // guard against rounding up to L
    }
    return w;
}

void Configuration::validateAgainst(const Model& model, const std::string& where) const {
    if (positions.size() != 3 * static_cast<Eigen::Index>(species.size()))
        throw InputError(where + ": positions and species have different lengths");
    for (int i = 0; i < size(); ++i)
        if (species[i] < 0 || species[i] >= model.speciesCount())
            throw InputError(where + ": particle " + std::to_string(i) +
                             " has a species the model '" + model.name + "' does not define");
    if (!(boxLength > 0.0) || !std::isfinite(boxLength)) throw InputError(where + ": box edge must be finite and > 0");
    if (!positions.allFinite()) throw InputError(where + ": a position is not a finite number");
    if (model.perParticleDiameters()) {
        if (diameters.size() != species.size())
            throw InputError(where + ": model '" + model.name + "' needs a diameter for every particle (" +
                             std::to_string(size()) + "), got " + std::to_string(diameters.size()) +
                             (diameters.empty() ? " (an extended XYZ file needs a 'diameter' column)" : ""));
        for (int i = 0; i < size(); ++i)
            if (!(diameters[static_cast<std::size_t>(i)] > 0.0) || !(diameters[static_cast<std::size_t>(i)] < 1e3))
                throw InputError(where + ": particle " + std::to_string(i) + " has diameter " +
                                 std::to_string(diameters[static_cast<std::size_t>(i)]) + ", expected a finite value > 0");
    } else if (!diameters.empty() && diameters.size() != species.size()) {
        throw InputError(where + ": " + std::to_string(diameters.size()) + " diameters for " + std::to_string(size()) +
                         " particles");
    }
    try {
        checkCutoffFitsBox(model, boxLength, diameters);
    } catch (const InputError& e) {
        throw InputError(where + ": " + e.what());
    }
}

Eigen::VectorXd minimumImageDisplacement(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                         double L) {
    const double invL = 1.0 / L;
    Eigen::VectorXd d(a.size());
    for (Eigen::Index k = 0; k < a.size(); ++k) d[k] = minimumImage(b[k] - a[k], L, invL);
    return d;
}

void checkCutoffFitsBox(const Model& model, double L, const std::vector<double>& diameters) {
    const double rc = model.maxCutoff(diameters);
    if (!(rc < 0.5 * L)) {
        std::ostringstream msg;
        msg << "cutoff " << rc << " does not fit the box: the minimum-image convention needs "
            << "cutoff < L/2 = " << 0.5 * L << " (box edge L = " << L
            << "); use more particles or a shorter cutoff";
        throw InputError(msg.str());
    }
}

} // namespace tlscope
