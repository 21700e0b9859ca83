#include "core/analysis/Stability.h"

#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace tlscope {

namespace {

/// The value of `key = value` in a parameters text, or "".
std::string parameter(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        auto trim = [](std::string v) {
            const auto a = v.find_first_not_of(" \t"), b = v.find_last_not_of(" \t\r");
            return a == std::string::npos ? std::string() : v.substr(a, b - a + 1);
        };
        if (trim(line.substr(0, eq)) == key) return trim(line.substr(eq + 1));
    }
    return {};
}

std::pair<double, double> meanAndError(const std::vector<double>& v) {
    if (v.empty()) return {0.0, 0.0};
    double mean = 0.0;
    for (double x : v) mean += x / double(v.size());
    if (v.size() < 2) return {mean, 0.0};
    double var = 0.0;
    for (double x : v) var += (x - mean) * (x - mean);
    return {mean, std::sqrt(var / double(v.size() - 1) / double(v.size()))};
}

} // namespace

ExplorationSummary summarizeExploration(const SessionData& s) {
    if (!s.exploration) throw InputError(s.path + ": not an exploration session (made by `tlscope-cli explore`)");
    const MetabasinWalk& w = s.exploration->walk;
    const Model& model = s.parameters.model;
    ExplorationSummary r;
    r.path = s.path;
    const std::string tf = parameter(s.exploration->parameters, "glass_t_f");
    r.fictiveTemperature = tf.empty() ? std::string("?") : tf;
    r.particles = s.parameters.particles;
    const double L = model.boxLengthFor(r.particles);
    r.volumeSigma3 = L * L * L;
    if (!w.minima.empty()) r.glassIsEnergyPerParticle = w.minima.front().energy / r.particles;
    r.quenches = static_cast<long>(w.sequence.size());
    r.distinctMinima = static_cast<long>(w.minima.size());
    for (const auto& [key, count] : w.transitions) r.transitions += count;
    r.transitionPairs = static_cast<long>(w.transitionPairs().size());
    const long half = w.sequenceStep.empty() ? 0 : w.sequenceStep.back() / 2;
    for (const VisitedMinimum& m : w.minima) r.newMinimaSecondHalf += m.firstStep > half ? 1 : 0;
    r.tlsThreshold = model.tlsThreshold;
    r.tlsThresholdKelvin = model.units.toKelvin(model.tlsThreshold);
    for (const DwpRecord& d : s.doubleWells) {
        ++r.doubleWells;
        const double e = d.dwp.quantum.splitting;
        r.eqs.push_back(e);
        if (e < model.tlsThreshold) ++r.tls;
    }
    std::sort(r.eqs.begin(), r.eqs.end());
    r.dwpPerParticle = double(r.doubleWells) / r.particles;
    r.tlsPerParticle = double(r.tls) / r.particles;
    const double sigmaM = model.units.sigmaAngstrom * 1e-10;
    const double volumeM3 = r.volumeSigma3 * sigmaM * sigmaM * sigmaM;
    const double thresholdJ = r.tlsThresholdKelvin * 1.380649e-23;
    r.tlsPerM3 = double(r.tls) / volumeM3;
    r.tlsPerJouleM3 = double(r.tls) / (thresholdJ * volumeM3);
    return r;
}

std::vector<StabilityGroup> groupByFictiveTemperature(const std::vector<ExplorationSummary>& sessions) {
    std::vector<StabilityGroup> groups;
    std::map<std::string, std::vector<const ExplorationSummary*>> members;
    for (const ExplorationSummary& s : sessions) {
        if (!members.count(s.fictiveTemperature)) groups.push_back({s.fictiveTemperature});
        members[s.fictiveTemperature].push_back(&s);
    }
    for (StabilityGroup& g : groups) {
        std::vector<double> dwp, tls, perJ, eis;
        for (const ExplorationSummary* s : members[g.fictiveTemperature]) {
            dwp.push_back(s->dwpPerParticle);
            tls.push_back(s->tlsPerParticle);
            perJ.push_back(s->tlsPerJouleM3);
            eis.push_back(s->glassIsEnergyPerParticle);
            g.tls += s->tls, g.doubleWells += s->doubleWells, g.particles += s->particles;
            ++g.sessions;
        }
        std::tie(g.dwpPerParticle, g.dwpError) = meanAndError(dwp);
        std::tie(g.tlsPerParticle, g.tlsError) = meanAndError(tls);
        std::tie(g.tlsPerJouleM3, g.tlsPerJouleM3Error) = meanAndError(perJ);
        std::tie(g.isEnergyPerParticle, g.isEnergyError) = meanAndError(eis);
    }
    return groups;
}

std::string formatExploration(const ExplorationSummary& s) {
    char b[512];
    std::ostringstream o;
    std::snprintf(b, sizeof b, "Exploration (N = %d, glass T_f %s, glass E_IS/N %.6f)\n", s.particles, s.fictiveTemperature.c_str(),
                  s.glassIsEnergyPerParticle);
    o << b;
    std::snprintf(b, sizeof b, "  quenches                                  %ld\n  distinct IS                               %ld (%ld first found in the second half of the walk%s)\n",
                  s.quenches, s.distinctMinima, s.newMinimaSecondHalf,
                  s.newMinimaSecondHalf > 0 ? ": not saturated, a longer walk finds more" : ": saturated");
    o << b;
    std::snprintf(b, sizeof b, "  transitions                               %ld between %ld pairs of IS\n", s.transitions, s.transitionPairs);
    o << b;
    std::snprintf(b, sizeof b, "  DWPs                                      %ld (%.4g per particle)\n", s.doubleWells, s.dwpPerParticle);
    o << b;
    std::snprintf(b, sizeof b, "  TLS (E_qs < %.4g eps = %.3g K)            %ld (%.4g per particle, %.3g per m^3, %.3g per J per m^3)\n",
                  s.tlsThreshold, s.tlsThresholdKelvin, s.tls, s.tlsPerParticle, s.tlsPerM3, s.tlsPerJouleM3);
    o << b;
    o << "  cumulative n(E_qs) per particle:";
    for (double f : {0.25, 0.5, 1.0, 2.0, 4.0}) {
        const double e = f * s.tlsThreshold;
        const auto count = std::lower_bound(s.eqs.begin(), s.eqs.end(), e) - s.eqs.begin();
        std::snprintf(b, sizeof b, "  %.3g eps: %.3g", e, double(count) / s.particles);
        o << b;
    }
    o << "\n";
    return o.str();
}

std::string formatComparison(const std::vector<StabilityGroup>& groups) {
    std::ostringstream o;
    char b[512];
    std::snprintf(b, sizeof b, "%8s %8s %22s %22s %26s %22s\n", "T_f", "glasses", "DWP per particle", "TLS per particle",
                  "TLS per J per m^3", "glass E_IS/N");
    o << b;
    for (const StabilityGroup& g : groups) {
        std::snprintf(b, sizeof b, "%8s %8d %11.4g +- %-8.2g %11.4g +- %-8.2g %13.4g +- %-10.2g %11.6f +- %-8.2g\n",
                      g.fictiveTemperature.c_str(), g.sessions, g.dwpPerParticle, g.dwpError, g.tlsPerParticle, g.tlsError,
                      g.tlsPerJouleM3, g.tlsPerJouleM3Error, g.isEnergyPerParticle, g.isEnergyError);
        o << b;
    }
    return o.str();
}

std::string comparisonCsv(const std::vector<StabilityGroup>& groups) {
    std::ostringstream o;
    o.precision(10);
    o << "t_f,glasses,particles,dwps,tls,dwp_per_particle,dwp_error,tls_per_particle,tls_error,tls_per_joule_m3,tls_per_joule_m3_error,is_energy_per_particle,is_energy_error\n";
    for (const StabilityGroup& g : groups)
        o << g.fictiveTemperature << ',' << g.sessions << ',' << g.particles << ',' << g.doubleWells << ',' << g.tls << ','
          << g.dwpPerParticle << ',' << g.dwpError << ',' << g.tlsPerParticle << ',' << g.tlsError << ',' << g.tlsPerJouleM3 << ','
          << g.tlsPerJouleM3Error << ',' << g.isEnergyPerParticle << ',' << g.isEnergyError << '\n';
    return o.str();
}

} // namespace tlscope
