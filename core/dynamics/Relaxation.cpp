#include "core/dynamics/Relaxation.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace tlscope {

RelaxationMonitor::RelaxationMonitor(const Eigen::VectorXd& origin, const std::vector<int>& species, int measuredSpecies,
                                     double q)
    : origin_(origin) {
    if (!(q > 0.0)) throw InputError("the wave number q must be > 0");
    if (static_cast<Eigen::Index>(species.size()) * 3 != origin.size())
        throw InputError("relaxation: positions and species do not match");
    for (std::size_t i = 0; i < species.size(); ++i)
        if (species[i] == measuredSpecies) members_.push_back(static_cast<int>(i));
    if (members_.empty()) throw InputError("relaxation: no particle of species " + std::to_string(measuredSpecies));
    curve_.q = q;
    curve_.species = measuredSpecies;
}

void RelaxationMonitor::sample(double t, const Eigen::VectorXd& positions) {
    if (positions.size() != origin_.size()) throw InputError("relaxation: the number of particles changed");
    const Eigen::Index n = origin_.size() / 3;
    Eigen::Vector3d drift = Eigen::Vector3d::Zero(); // all particles (equal weights: the thermostat moves each)
    for (Eigen::Index i = 0; i < n; ++i) drift += positions.segment<3>(3 * i) - origin_.segment<3>(3 * i);
    drift /= static_cast<double>(n);
    double msd = 0.0, fs = 0.0;
    for (int i : members_) {
        const Eigen::Vector3d dr = positions.segment<3>(3 * i) - origin_.segment<3>(3 * i) - drift;
        const double r = dr.norm();
        msd += r * r;
        const double qr = curve_.q * r;
        fs += qr < 1e-6 ? 1.0 - qr * qr / 6.0 : std::sin(qr) / qr;
    }
    const double m = static_cast<double>(members_.size());
    curve_.time.push_back(t);
    curve_.msd.push_back(msd / m);
    curve_.fs.push_back(fs / m);
}

double RelaxationCurve::tauAlpha() const {
    const double level = std::exp(-1.0);
    for (std::size_t k = 0; k < fs.size(); ++k) {
        if (fs[k] > level) continue;
        if (k == 0 || time[k - 1] <= 0.0) return time[k];
        // linear in log t between the two samples around the crossing
        const double f = (fs[k - 1] - level) / (fs[k - 1] - fs[k]);
        return std::exp(std::log(time[k - 1]) + f * (std::log(time[k]) - std::log(time[k - 1])));
    }
    return -1.0;
}

std::string RelaxationCurve::report(double equilibrationTime) const {
    std::string out;
    char line[160];
    std::snprintf(line, sizeof line, "relaxation of species %d (q = %.3g, centre-of-mass drift removed):\n%12s %14s %10s\n",
                  species, q, "t", "MSD", "F_s(q,t)");
    out += line;
    // About five rows per decade are enough to read.
    double lastShown = -1.0;
    for (std::size_t k = 0; k < time.size(); ++k) {
        if (k + 1 < time.size() && lastShown > 0 && time[k] < lastShown * 1.55) continue;
        std::snprintf(line, sizeof line, "%12.4g %14.6g %10.4f\n", time[k], msd[k], fs[k]);
        out += line;
        lastShown = time[k];
    }
    const double tau = tauAlpha();
    if (tau > 0) {
        std::snprintf(line, sizeof line,
                      "tau_alpha = %.3g (F_s = 1/e): the %.3g time units of equilibration are %.1f tau_alpha%s\n", tau,
                      equilibrationTime, equilibrationTime / tau,
                      equilibrationTime >= 10 * tau ? " - equilibrated, starts decorrelated"
                                                    : " - too short: use at least 10 tau_alpha");
    } else {
        std::snprintf(line, sizeof line,
                      "F_s has not decayed to 1/e within t = %.3g: not equilibrated at this temperature; "
                      "raise T or the equilibration time\n",
                      time.empty() ? 0.0 : time.back());
    }
    out += line;
    return out;
}

std::vector<long> logSpacedSteps(long last, int perDecade) {
    std::set<long> steps;
    for (double x = 0.0;; x += 1.0 / std::max(1, perDecade)) {
        const long s = std::lround(std::pow(10.0, x));
        if (s > last) break;
        steps.insert(s);
    }
    if (last > 0) steps.insert(last);
    return {steps.begin(), steps.end()};
}

} // namespace tlscope
