#include "core/analysis/Stability.h"

#include "core/common/Error.h"
#include "core/dynamics/Random.h"
#include "core/io/ExtendedXyz.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
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

/// The pair-asymmetry setting the exploration ran with (it decides the candidate pairs). A
/// damaged parameter text is an error naming the file, not a silent 0.
double explorationPairAsymmetry(const SessionData& s) {
    try {
        return ExploreParameters::parse(s.exploration->parameters, s.parameters.model).pairAsymmetry;
    } catch (const InputError& e) {
        throw InputError(s.path + ": " + e.what());
    }
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
    if (s.exploration->walkComplete) {
        const double pairAsymmetry = explorationPairAsymmetry(s);
        r.candidatePairs = static_cast<long>(candidatePairs(w, pairAsymmetry).size());
    } else {
        r.candidatePairs = -1;
    }
    // A finished run analysed every candidate (sessions from before the pairs table have none).
    r.analysedPairs = s.complete() && r.candidatePairs >= 0 ? r.candidatePairs : static_cast<long>(s.exploration->pairs.size());
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

SessionData truncateExploration(const SessionData& s, long quenches) {
    if (!s.exploration) throw InputError(s.path + ": not an exploration session (made by `tlscope-cli explore`)");
    if (!s.exploration->walkComplete) throw InputError(s.path + ": the walk is not finished; it cannot be cut at a quench yet");
    if (quenches < 0) throw InputError("the number of quenches must be >= 0");
    SessionData t = s;
    SessionData::Exploration& e = *t.exploration;
    MetabasinWalk& w = e.walk;
    const std::size_t keep = std::min<std::size_t>(w.sequence.size(), static_cast<std::size_t>(quenches) + 1);
    w.sequence.resize(keep);
    w.sequenceStep.resize(keep);
    // IS are numbered in the order of their first visit: the shorter walk knows 0 .. max.
    const int known = w.sequence.empty() ? 0 : *std::max_element(w.sequence.begin(), w.sequence.end()) + 1;
    w.minima.resize(static_cast<std::size_t>(known));
    for (VisitedMinimum& m : w.minima) m.visits = 0;
    w.transitions.clear();
    for (std::size_t k = 0; k < w.sequence.size(); ++k) {
        ++w.minima[static_cast<std::size_t>(w.sequence[k])].visits;
        if (k > 0 && w.sequence[k] != w.sequence[k - 1]) ++w.transitions[{w.sequence[k - 1], w.sequence[k]}];
    }
    const double pairAsymmetry = explorationPairAsymmetry(s);
    const auto kept = candidatePairs(w, pairAsymmetry);
    const std::set<std::pair<int, int>> candidates(kept.begin(), kept.end());
    std::vector<PairAnalysis> pairs;
    for (const PairAnalysis& a : e.pairs)
        if (candidates.count({a.first, a.second})) pairs.push_back(a);
    e.pairs = std::move(pairs);
    std::vector<DwpRecord> dwps;
    std::vector<std::pair<int, int>> dwpPairs;
    std::vector<bool> finished;
    for (std::size_t k = 0; k < t.doubleWells.size() && k < e.dwpPairs.size(); ++k)
        if (candidates.count(e.dwpPairs[k])) {
            dwps.push_back(t.doubleWells[k]);
            dwpPairs.push_back(e.dwpPairs[k]);
            finished.push_back(k < t.doubleWellStartFinished.size() && t.doubleWellStartFinished[k]);
        }
    t.doubleWells = std::move(dwps);
    e.dwpPairs = std::move(dwpPairs);
    t.doubleWellStartFinished = std::move(finished);
    std::vector<FoundMinimum> minima;
    for (const FoundMinimum& m : t.minima)
        if (m.id < known) minima.push_back(m);
    t.minima = std::move(minima);
    return t;
}

double poissonUpperLimit(long count, double confidence) {
    if (count < 0 || !(confidence > 0.0 && confidence < 1.0)) throw InputError("poissonUpperLimit: count >= 0, confidence in (0, 1)");
    // P(X <= count; lambda) = 1 - confidence, solved by bisection (the CDF falls with lambda).
    auto cdf = [count](double lambda) {
        double term = std::exp(-lambda), sum = term;
        for (long k = 1; k <= count; ++k) sum += (term *= lambda / double(k));
        return sum;
    };
    double lo = 0.0, hi = double(count) + 10.0 * std::sqrt(double(count) + 1.0) + 10.0;
    for (int it = 0; it < 200; ++it) {
        const double mid = 0.5 * (lo + hi);
        (cdf(mid) > 1.0 - confidence ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

std::vector<StabilityGroup> groupByFictiveTemperature(const std::vector<ExplorationSummary>& sessions, double eqsWindow) {
    if (!(eqsWindow >= 0.0) || !std::isfinite(eqsWindow)) throw InputError("the E_qs window must be a finite value >= 0");
    if (eqsWindow == 0.0 && !sessions.empty()) eqsWindow = kDefaultEqsWindowFactor * sessions.front().tlsThreshold;
    std::vector<StabilityGroup> groups;
    std::map<std::string, std::vector<const ExplorationSummary*>> members;
    for (const ExplorationSummary& s : sessions) {
        if (!members.count(s.fictiveTemperature)) {
            groups.emplace_back();
            groups.back().fictiveTemperature = s.fictiveTemperature;
        }
        members[s.fictiveTemperature].push_back(&s);
    }
    for (StabilityGroup& g : groups) {
        // Walks of one glass start from the same quenched glass: the same N and the same E_IS
        // to the last bit. They are averaged first, so each glass counts once in the errors.
        std::vector<std::vector<const ExplorationSummary*>> glasses;
        for (const ExplorationSummary* s : members[g.fictiveTemperature]) {
            auto same = std::find_if(glasses.begin(), glasses.end(), [s](const auto& walks) {
                return walks.front()->particles == s->particles && walks.front()->glassIsEnergyPerParticle == s->glassIsEnergyPerParticle;
            });
            if (same == glasses.end()) glasses.push_back({s});
            else same->push_back(s);
        }
        const double threshold = members[g.fictiveTemperature].front()->tlsThreshold;
        std::vector<double> dwp, tls, perJ, eis, window;
        for (const auto& walks : glasses) {
            double d = 0.0, t = 0.0, j = 0.0, w = 0.0;
            const double share = 1.0 / double(walks.size());
            for (const ExplorationSummary* s : walks) {
                long inWindow = 0;
                for (double e : s->eqs) {
                    inWindow += e < eqsWindow ? 1 : 0;
                    g.windowLowerHalf += e < 0.5 * eqsWindow ? 1 : 0;
                }
                g.windowCount += inWindow;
                g.tls += s->tls, g.doubleWells += s->doubleWells, g.particles += s->particles;
                ++g.sessions;
                d += share * s->dwpPerParticle, t += share * s->tlsPerParticle, j += share * s->tlsPerJouleM3;
                if (s->particles > 0 && eqsWindow > 0.0) w += share * double(inWindow) / double(s->particles) / eqsWindow * threshold;
            }
            dwp.push_back(d), tls.push_back(t), perJ.push_back(j), window.push_back(w);
            g.glassDwp.push_back(d), g.glassTls.push_back(t), g.glassTlsFromSlope.push_back(w);
            eis.push_back(walks.front()->glassIsEnergyPerParticle);
        }
        g.glasses = static_cast<int>(glasses.size());
        g.eqsWindow = eqsWindow;
        if (g.particles > 0 && eqsWindow > 0.0) {
            const double per = 1.0 / (double(g.particles) * eqsWindow);
            g.slope = double(g.windowCount) * per;
            g.slopeError = std::sqrt(double(g.windowCount)) * per;
            g.slopeUpper95 = poissonUpperLimit(g.windowCount) * per;
            g.tlsFromSlope = g.slope * threshold, g.tlsFromSlopeError = g.slopeError * threshold;
            g.tlsFromSlopeUpper95 = g.slopeUpper95 * threshold;
            g.tlsFromSlopeGlassError = meanAndError(window).second;
        }
        std::tie(g.dwpPerParticle, g.dwpError) = meanAndError(dwp);
        std::tie(g.tlsPerParticle, g.tlsError) = meanAndError(tls);
        std::tie(g.tlsPerJouleM3, g.tlsPerJouleM3Error) = meanAndError(perJ);
        std::tie(g.isEnergyPerParticle, g.isEnergyError) = meanAndError(eis);
        if (g.particles > 0) {
            g.tlsPooled = double(g.tls) / double(g.particles);
            g.tlsUpper95 = poissonUpperLimit(g.tls) / double(g.particles);
        }
    }
    return groups;
}

StabilityTrend stabilityTrend(const std::vector<double>& fictiveTemperatures, const std::vector<double>& values, long shuffles,
                              long exactLimit, std::uint64_t seed) {
    if (fictiveTemperatures.size() != values.size()) throw InputError("stabilityTrend: one T_f per value");
    StabilityTrend r;
    const std::size_t n = values.size();
    r.glasses = static_cast<int>(n);
    std::vector<double> x = fictiveTemperatures;
    std::sort(x.begin(), x.end());
    r.temperatures = static_cast<int>(std::unique(x.begin(), x.end()) - x.begin());
    if (r.temperatures < 2) return r;
    double xm = 0.0, ym = 0.0;
    for (std::size_t i = 0; i < n; ++i) xm += fictiveTemperatures[i] / double(n), ym += values[i] / double(n);
    double sxx = 0.0, sxy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        sxx += (fictiveTemperatures[i] - xm) * (fictiveTemperatures[i] - xm);
        sxy += (fictiveTemperatures[i] - xm) * (values[i] - ym);
    }
    r.slope = sxy / sxx;
    if (n > 2) {
        double rss = 0.0;
        for (std::size_t i = 0; i < n; ++i) rss += std::pow(values[i] - ym - r.slope * (fictiveTemperatures[i] - xm), 2);
        r.slopeError = std::sqrt(rss / double(n - 2) / sxx);
    }
    // Under a shuffle of the T_f, x mean and sxx stay: the slope orders as sum_i x_i (y_i - ym).
    // Ties (equal slopes up to rounding) count as "at least as large".
    double scale = 0.0;
    for (std::size_t i = 0; i < n; ++i) scale += std::abs(fictiveTemperatures[i] * (values[i] - ym));
    const double observed = sxy, tolerance = 1e-12 * scale;
    auto statistic = [&](const std::vector<double>& t) {
        double sum = 0.0;
        for (std::size_t i = 0; i < n; ++i) sum += (t[i] - xm) * (values[i] - ym);
        return sum;
    };
    // Distinct assignments of the T_f: n! / prod(k_j!) (a multinomial), built up without overflow.
    double assignments = 1.0;
    {
        std::map<double, int> multiplicity;
        int placed = 0;
        for (double t : fictiveTemperatures) {
            const int k = ++multiplicity[t];
            ++placed;
            assignments *= double(placed) / double(k);
        }
    }
    long atLeast = 0;
    if (assignments <= double(exactLimit)) {
        r.exact = true;
        std::vector<double> t = fictiveTemperatures;
        std::sort(t.begin(), t.end()); // next_permutation walks every distinct assignment from the sorted one
        do {
            ++r.permutations;
            atLeast += statistic(t) >= observed - tolerance ? 1 : 0;
        } while (std::next_permutation(t.begin(), t.end()));
        r.pValue = double(atLeast) / double(r.permutations);
    } else {
        RandomStream rng(seed, 0x7472656e64ull); // "trend"
        std::vector<double> t = fictiveTemperatures;
        for (long k = 0; k < shuffles; ++k) {
            for (std::size_t i = n - 1; i > 0; --i) std::swap(t[i], t[static_cast<std::size_t>(rng.below(i + 1))]);
            atLeast += statistic(t) >= observed - tolerance ? 1 : 0;
        }
        r.permutations = shuffles;
        r.pValue = double(atLeast + 1) / double(shuffles + 1); // the observed assignment counts as one
    }
    return r;
}

std::vector<StabilityTrend> stabilityTrends(const std::vector<StabilityGroup>& groups) {
    std::vector<double> tf, dwp, tls, slope;
    for (const StabilityGroup& g : groups) {
        double t = 0.0; // from_chars: independent of the locale (a GUI may run in a decimal-comma one)
        const char *first = g.fictiveTemperature.data(), *last = first + g.fictiveTemperature.size();
        const auto [end, error] = std::from_chars(first, last, t);
        if (error != std::errc() || end != last || !std::isfinite(t)) continue; // "?" or not a number
        for (std::size_t k = 0; k < g.glassDwp.size(); ++k) {
            tf.push_back(t);
            dwp.push_back(g.glassDwp[k]);
            tls.push_back(g.glassTls[k]);
            slope.push_back(g.glassTlsFromSlope[k]);
        }
    }
    std::vector<StabilityTrend> trends{stabilityTrend(tf, dwp), stabilityTrend(tf, tls), stabilityTrend(tf, slope)};
    trends[0].quantity = "DWPs per particle";
    trends[1].quantity = "TLS per particle (counted)";
    trends[2].quantity = "TLS per particle from n0";
    return trends;
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
    if (s.candidatePairs < 0)
        std::snprintf(b, sizeof b, "  pairs analysed                            %ld (the walk is not finished: the numbers below are partial)\n", s.analysedPairs);
    else
        std::snprintf(b, sizeof b, "  pairs analysed                            %ld of %ld%s\n", s.analysedPairs, s.candidatePairs,
                      s.analysedPairs < s.candidatePairs ? " (still running or stopped: the numbers below are partial)" : "");
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
    o << "Means and standard errors over glasses (walks of one glass, recognised by their common glass E_IS, averaged first).\n";
    std::snprintf(b, sizeof b, "%8s %14s %22s %22s %26s %22s %6s %6s %20s\n", "T_f", "walks/glasses", "DWP per particle", "TLS per particle",
                  "TLS per J per m^3", "glass E_IS/N", "DWPs", "TLS", "TLS/particle < (95%)");
    o << b;
    for (const StabilityGroup& g : groups) {
        const std::string counts = std::to_string(g.sessions) + "/" + std::to_string(g.glasses);
        std::snprintf(b, sizeof b, "%8s %14s %11.4g +- %-8.2g %11.4g +- %-8.2g %13.4g +- %-10.2g %11.6f +- %-8.2g %6ld %6ld %20.3g\n",
                      g.fictiveTemperature.c_str(), counts.c_str(), g.dwpPerParticle, g.dwpError, g.tlsPerParticle, g.tlsError,
                      g.tlsPerJouleM3, g.tlsPerJouleM3Error, g.isEnergyPerParticle, g.isEnergyError, g.doubleWells, g.tls, g.tlsUpper95);
        o << b;
    }
    if (!groups.empty() && groups.front().eqsWindow > 0.0) {
        std::snprintf(b, sizeof b,
                      "\nLow-E_qs density: DWPs with E_qs < %.4g eps (all sessions of a T_f pooled, Poisson errors). Where the\n"
                      "cumulative n(E_qs) is linear there (a flat density of states: the window's two halves hold equal\n"
                      "counts), its slope n0 times the TLS threshold estimates the TLS density from more DWPs than the count;\n"
                      "where the density rises across the window (upper half fuller) the estimate is an upper one.\n",
                      groups.front().eqsWindow);
        o << b;
        o << "The second error of the TLS estimate is the spread over glasses (walks of one glass averaged first).\n";
        std::snprintf(b, sizeof b, "%8s %10s %18s %26s %40s %18s\n", "T_f", "in window", "lower/upper half", "n0 per particle per eps",
                      "TLS per particle from n0 (Poisson, glasses)", "(95% upper limit)");
        o << b;
        for (const StabilityGroup& g : groups) {
            std::snprintf(b, sizeof b, "%8s %10ld %8ld / %-7ld %13.4g +- %-10.2g %15.4g +- %-9.2g +- %-9.2g %18.3g\n", g.fictiveTemperature.c_str(),
                          g.windowCount, g.windowLowerHalf, g.windowCount - g.windowLowerHalf, g.slope, g.slopeError, g.tlsFromSlope,
                          g.tlsFromSlopeError, g.tlsFromSlopeGlassError, g.tlsFromSlopeUpper95);
            o << b;
        }
    }
    const std::vector<StabilityTrend> trends = stabilityTrends(groups);
    if (!trends.empty() && trends.front().temperatures >= 2) {
        o << "\nTrend with stability, over glasses (each glass once): the least-squares slope against T_f with its\n"
             "standard error, and a one-sided permutation test with the T_f shuffled among the glasses: p is the\n"
             "chance of a slope at least this large if the quantity did not depend on T_f (a positive slope: fewer\n"
             "in the more stable glasses).\n";
        std::snprintf(b, sizeof b, "%28s %8s %26s %12s %12s %s\n", "quantity", "glasses", "slope d/dT_f", "slope/error", "p", "(permutations)");
        o << b;
        for (const StabilityTrend& t : trends) {
            const std::string ratio = t.slopeError > 0.0 ? [&] {
                char r[32];
                std::snprintf(r, sizeof r, "%.2f", t.slope / t.slopeError);
                return std::string(r);
            }() : std::string("-");
            std::snprintf(b, sizeof b, "%28s %8d %13.4g +- %-9.2g %12s %12.3g (%ld %s)\n", t.quantity.c_str(), t.glasses, t.slope,
                          t.slopeError, ratio.c_str(), t.pValue, t.permutations, t.exact ? "assignments, exact" : "shuffles");
            o << b;
        }
    }
    return o.str();
}

std::string comparisonCsv(const std::vector<StabilityGroup>& groups) {
    std::ostringstream o;
    o.precision(10);
    o << "t_f,glasses,particles,dwps,tls,dwp_per_particle,dwp_error,tls_per_particle,tls_error,tls_per_joule_m3,tls_per_joule_m3_error,is_energy_per_particle,is_energy_error,tls_pooled,tls_upper95,"
         "eqs_window,window_count,window_lower_half,slope_per_particle_per_eps,slope_error,tls_from_slope,tls_from_slope_error,"
         "tls_from_slope_upper95,walks,tls_from_slope_glass_error\n";
    for (const StabilityGroup& g : groups)
        o << g.fictiveTemperature << ',' << g.glasses << ',' << g.particles << ',' << g.doubleWells << ',' << g.tls << ','
          << g.dwpPerParticle << ',' << g.dwpError << ',' << g.tlsPerParticle << ',' << g.tlsError << ',' << g.tlsPerJouleM3 << ','
          << g.tlsPerJouleM3Error << ',' << g.isEnergyPerParticle << ',' << g.isEnergyError << ',' << g.tlsPooled << ','
          << g.tlsUpper95 << ',' << g.eqsWindow << ',' << g.windowCount << ',' << g.windowLowerHalf << ',' << g.slope << ','
          << g.slopeError << ',' << g.tlsFromSlope << ',' << g.tlsFromSlopeError << ',' << g.tlsFromSlopeUpper95 << ',' << g.sessions << ',' << g.tlsFromSlopeGlassError << '\n';
    return o.str();
}

} // namespace tlscope
