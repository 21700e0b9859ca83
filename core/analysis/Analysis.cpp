#include "core/analysis/Analysis.h"

#include "core/common/Error.h"
#include "core/model/Units.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

namespace tlscope {

double Histogram::peakCentre() const {
    if (counts.empty()) return 0.0;
    const auto k = static_cast<std::size_t>(std::max_element(counts.begin(), counts.end()) - counts.begin());
    return binCentre(k);
}

namespace {

Histogram makeHistogram(std::string name, std::string quantity, double low, double width, std::size_t bins) {
    Histogram h;
    h.name = std::move(name), h.quantity = std::move(quantity), h.low = low, h.width = width;
    h.counts.assign(bins, 0);
    return h;
}

void fill(Histogram& h, double x) {
    if (!std::isfinite(x) || x < h.low) return;
    auto k = static_cast<std::size_t>((x - h.low) / h.width);
    if (k >= h.counts.size()) k = h.counts.size() - 1; // last bin collects the overflow
    ++h.counts[k];
}

void accumulate(ParticipationRatios& p, const DoubleWell& w, double& inverseFractionSum) {
    ++p.count;
    p.pr2 += w.pr2, p.pr3 += w.pr3, p.pr4 += w.pr4;
    double sum2 = 0.0;
    for (double x : w.sortedProfile) sum2 += x * x;
    const double dmax = w.sortedProfile.empty() ? 0.0 : w.sortedProfile.front();
    if (sum2 > 0) inverseFractionSum += dmax * dmax / sum2;
}

/// Running mean and standard error.
struct Accumulator {
    long n = 0;
    double sum = 0.0, sum2 = 0.0;
    void add(double x) { ++n, sum += x, sum2 += x * x; }
    MeanError result() const {
        MeanError m;
        m.count = n;
        if (n == 0) return m;
        m.mean = sum / static_cast<double>(n);
        if (n > 1) {
            const double var = std::max(0.0, (sum2 - static_cast<double>(n) * m.mean * m.mean) / static_cast<double>(n - 1));
            m.error = std::sqrt(var / static_cast<double>(n));
        }
        return m;
    }
};

/// Minimum-image distance of particles i and j.
double pairDistance(const Eigen::VectorXd& x, int i, int j, double L) {
    double r2 = 0.0;
    for (int c = 0; c < 3; ++c) {
        double d = x[3 * i + c] - x[3 * j + c];
        d -= L * std::round(d / L);
        r2 += d * d;
    }
    return std::sqrt(r2);
}

void finish(ParticipationRatios& p, double fractionSum) {
    if (p.count == 0) return;
    const double n = static_cast<double>(p.count);
    p.pr2 /= n, p.pr3 /= n, p.pr4 /= n;
    p.pr1 = fractionSum > 0 ? n / fractionSum : 0.0;
}

} // namespace

CatalogAnalysis analyzeCatalog(const SessionData& s) {
    CatalogAnalysis a;
    const SearchParameters& p = s.parameters;
    a.particles = p.particles;
    a.copies = p.model.copies;
    a.systemSize = p.model.systemSize(p.particles);
    a.tlsThresholdKelvin = p.tlsThresholdKelvin;
    long finishedAttempts = 0;
    std::vector<double> returnFractions; // of each finished start with attempts
    Accumulator returnSpread, retention;
    for (const StartSummary& sum : s.summaries) {
        if (sum.ok) ++a.startsFinished;
        else ++a.startsFailed;
        if (sum.ok && sum.attempts > 0) {
            finishedAttempts += sum.attempts;
            a.returnedToStart += sum.returnedToStart;
            returnFractions.push_back(static_cast<double>(sum.returnedToStart) / sum.attempts);
            returnSpread.add(returnFractions.back());
        }
        a.attempts += sum.attempts;
        a.minima += sum.minima;
        a.rejected += sum.rejected;
    }
    a.fig1 = makeHistogram("fig1", "d (asymmetry < 0.02)", 0.0, 0.05, 16);
    a.fig2 = makeHistogram("fig2", "find count of kept minima", 1.0, 1.0, 50);
    a.fig2Dwp = makeHistogram("fig2_dwp", "find count of DWPs", 1.0, 1.0, 50);
    a.asymmetry = makeHistogram("asymmetry", "asymmetry", 0.0, 0.025, 20);
    a.barrier = makeHistogram("barrier", "barrier", 0.0, 0.025, 20);
    a.distanceMwRp = makeHistogram("d_mw_rp", "d_mw_rp", 0.0, 0.05, 16);
    a.eqs = makeHistogram("e_qs", "log10(E_qs / K)", -6.0, 0.5, 18);
    a.startEnergy = makeHistogram("start_energy", "starting IS energy per particle (eps)", -4.80, 0.02, 40);
    for (const FoundMinimum& m : s.minima) fill(a.fig2, m.findCount);
    {
        std::vector<double> e;
        for (std::size_t k = 0; k < s.starts.size(); ++k)
            if (s.summaries[k].ok) e.push_back(s.starts[k].energy / p.particles);
        for (double x : e) fill(a.startEnergy, x), a.startEnergyMean += x;
        if (!e.empty()) a.startEnergyMean /= static_cast<double>(e.size());
        for (double x : e) a.startEnergySd += (x - a.startEnergyMean) * (x - a.startEnergyMean);
        if (e.size() > 1) {
            a.startEnergySd = std::sqrt(a.startEnergySd / static_cast<double>(e.size() - 1));
            a.startEnergyMeanError = a.startEnergySd / std::sqrt(static_cast<double>(e.size()));
        } else {
            a.startEnergySd = 0.0;
        }
    }

    double fracAll = 0, fracA = 0, fracB = 0;
    std::map<int, std::vector<const DoubleWell*>> perStart;
    const std::size_t profileLength = 12;
    std::vector<double> sumA(profileLength, 0.0), sumB(profileLength, 0.0);
    for (std::size_t k = 0; k < s.doubleWells.size(); ++k) {
        if (!s.doubleWellStartFinished[k]) {
            ++a.doubleWellsOfUnfinishedStarts;
            continue;
        }
        const DwpRecord& r = s.doubleWells[k];
        const DoubleWell& w = r.dwp;
        ++a.doubleWells;
        perStart[r.start].push_back(&w);
        accumulate(a.all, w, fracAll);
        const bool centralB = w.centralSpecies == 1;
        accumulate(centralB ? a.centralB : a.centralA, w, centralB ? fracB : fracA);
        auto& sum = centralB ? sumB : sumA;
        for (std::size_t j = 0; j < profileLength && j < w.sortedProfile.size(); ++j) sum[j] += w.sortedProfile[j];
        if (w.asymmetry < 0.02) {
            ++a.asymBelow002;
            fill(a.fig1, w.d);
        }
        if (w.asymmetry < 0.001) ++a.asymBelow0001;
        if (w.isTls) ++a.tls;
        const QuantumLevels& q = w.quantum;
        if (q.level0 == Localisation::Both || q.level1 == Localisation::Both) ++a.levelsDelocalised;
        else if (q.level0 == q.level1) ++a.levelsInOneWell;
        else ++a.levelsInDifferentWells;
        fill(a.eqs, q.splitting > 0 ? std::log10(p.model.units.toKelvin(q.splitting)) : -HUGE_VAL);
        fill(a.fig2Dwp, r.findCount);
        if (p.model.copies == 1 && !returnFractions.empty()) {
            double kept = 0.0;
            for (double q : returnFractions) kept += 1.0 - std::pow(1.0 - q, std::max(r.findCount, 0));
            retention.add(kept / static_cast<double>(returnFractions.size()));
        }
        fill(a.asymmetry, w.asymmetry);
        fill(a.barrier, w.barrier);
        fill(a.distanceMwRp, w.dMassWeightedReactionPath);
    }
    finish(a.all, fracAll);
    finish(a.centralA, fracA);
    finish(a.centralB, fracB);
    for (std::size_t j = 0; j < profileLength; ++j) {
        a.fig6A.push_back(a.centralA.count ? sumA[j] / a.centralA.count : 0.0);
        a.fig6B.push_back(a.centralB.count ? sumB[j] / a.centralB.count : 0.0);
    }
    const double starts = a.startsFinished;
    const double particles = starts * p.particles;
    a.doubleWellsPerStart = starts > 0 ? a.doubleWells / starts : 0.0;
    a.returnFraction = finishedAttempts > 0 ? static_cast<double>(a.returnedToStart) / finishedAttempts : 0.0;
    a.returnFractionError = returnSpread.result().error;
    a.twoCopiesRetention = retention.result().mean;
    a.twoCopiesRetentionError = retention.result().error;
    a.centralBFraction = a.doubleWells ? static_cast<double>(a.centralB.count) / a.doubleWells : 0.0;
    a.particlesPerAsymBelow002 = a.asymBelow002 ? particles / a.asymBelow002 : 0.0;
    a.particlesPerAsymBelow0001 = a.asymBelow0001 ? particles / a.asymBelow0001 : 0.0;
    // Volume of all sampled glasses with the model's sigma (copies share a box: one volume each);
    // TLS density per energy up to the threshold.
    const double L = p.model.boxLengthFor(p.particles) * p.model.units.sigmaAngstrom * 1e-10;
    a.volumeCubicMetres = starts * p.model.copies * L * L * L;
    const double energyJ = p.tlsThresholdKelvin * units::boltzmannJoulePerKelvin;
    a.tlsDensity = a.volumeCubicMetres > 0 ? a.tls / (a.volumeCubicMetres * energyJ) : 0.0;
    // Spatial correlation: starts with exactly two DWPs, both with a central B particle.
    const auto composition = p.model.composition(p.particles);
    const int nB = composition.size() > 1 ? composition[1] : 0;
    a.sameCentralRandom = nB > 0 ? 1.0 / nB : 0.0;
    for (const auto& [start, ws] : perStart) {
        if (ws.size() != 2 || ws[0]->centralSpecies != 1 || ws[1]->centralSpecies != 1) continue;
        ++a.sameCentralCandidates;
        if (ws[0]->centralParticle == ws[1]->centralParticle) ++a.sameCentral;
    }
    if (a.sameCentralCandidates) {
        const double f = static_cast<double>(a.sameCentral) / a.sameCentralCandidates;
        a.sameCentralFraction = f;
        a.sameCentralError = std::sqrt(f * (1 - f) / a.sameCentralCandidates);
    }
    analyzeAgainstStartEnergy(a, s);
    analyzeParticipationAgainstDistance(a, s);
    analyzeSpatialDistribution(a, s);
    return a;
}

SessionData poolSessions(const std::vector<SessionData>& sessions) {
    if (sessions.empty()) throw InputError("pooling sessions: no sessions given");
    SessionData pooled;
    const SessionData& first = sessions.front();
    pooled.path = first.path;
    pooled.creator = first.creator;
    pooled.parameters = first.parameters;
    pooled.parameters.starts = 0;
    for (const SessionData& s : sessions) {
        const SearchParameters& p = s.parameters;
        if (s.exploration) throw InputError("pooling sessions: " + s.path + " is an exploration, not a search");
        if (p.model.name != first.parameters.model.name || p.particles != first.parameters.particles ||
            p.model.copies != first.parameters.model.copies || p.attempts != first.parameters.attempts)
            throw InputError("pooling sessions: " + s.path + " (" + p.model.name + ", N = " + p.model.systemSize(p.particles) +
                             ", M = " + std::to_string(p.attempts) + ") is not the system of " + first.path + " (" +
                             first.parameters.model.name + ", N = " + first.parameters.model.systemSize(first.parameters.particles) +
                             ", M = " + std::to_string(first.parameters.attempts) + ")");
        const int offset = pooled.parameters.starts;
        auto append = [offset](auto& to, const auto& from) { // every row type has its `start`
            for (auto row : from) {
                row.start += offset;
                to.push_back(std::move(row));
            }
        };
        append(pooled.starts, s.starts);
        append(pooled.summaries, s.summaries);
        append(pooled.minima, s.minima);
        append(pooled.doubleWells, s.doubleWells);
        pooled.doubleWellStartFinished.insert(pooled.doubleWellStartFinished.end(), s.doubleWellStartFinished.begin(),
                                              s.doubleWellStartFinished.end());
        pooled.parameters.starts += p.starts;
    }
    return pooled;
}

void analyzeAgainstStartEnergy(CatalogAnalysis& a, const SessionData& s) {
    // Figs. 3 and 4: finished starts binned by their IS energy per particle.
    const int n = s.parameters.particles;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (std::size_t k = 0; k < s.starts.size(); ++k)
        if (s.summaries[k].ok) lo = std::min(lo, s.starts[k].energy / n), hi = std::max(hi, s.starts[k].energy / n);
    if (!(lo <= hi)) return;
    const int bins = std::max(1, std::min(8, a.startsFinished / 5)); // about five starts per bin or more
    const double width = hi > lo ? (hi - lo) / bins : 1.0;
    std::map<int, int> binOfStart;
    a.byStartEnergy.assign(static_cast<std::size_t>(bins), {});
    for (int b = 0; b < bins; ++b) {
        a.byStartEnergy[static_cast<std::size_t>(b)].low = lo + b * width;
        a.byStartEnergy[static_cast<std::size_t>(b)].high = lo + (b + 1) * width;
        a.byStartEnergy[static_cast<std::size_t>(b)].doubleWellsBelow.assign(a.fig4Distances.size(), 0);
    }
    for (std::size_t k = 0; k < s.starts.size(); ++k) {
        if (!s.summaries[k].ok) continue;
        const int b = std::min(bins - 1, static_cast<int>((s.starts[k].energy / n - lo) / width));
        binOfStart[s.starts[k].start] = b;
        ++a.byStartEnergy[static_cast<std::size_t>(b)].starts;
    }
    std::vector<Accumulator> asym(static_cast<std::size_t>(bins)), dist(asym), barrier(asym);
    for (std::size_t k = 0; k < s.doubleWells.size(); ++k) {
        if (!s.doubleWellStartFinished[k]) continue;
        const auto it = binOfStart.find(s.doubleWells[k].start);
        if (it == binOfStart.end()) continue;
        const auto b = static_cast<std::size_t>(it->second);
        const DoubleWell& w = s.doubleWells[k].dwp;
        StartEnergyBin& bin = a.byStartEnergy[b];
        ++bin.doubleWells;
        asym[b].add(w.asymmetry), dist[b].add(w.dMassWeightedReactionPath), barrier[b].add(w.barrier);
        for (std::size_t c = 0; c < a.fig4Distances.size(); ++c)
            if (w.dMassWeightedReactionPath < a.fig4Distances[c]) ++bin.doubleWellsBelow[c];
    }
    for (std::size_t b = 0; b < a.byStartEnergy.size(); ++b) {
        a.byStartEnergy[b].asymmetry = asym[b].result();
        a.byStartEnergy[b].distance = dist[b].result();
        a.byStartEnergy[b].barrier = barrier[b].result();
    }
}

void analyzeParticipationAgainstDistance(CatalogAnalysis& a, const SessionData& s) {
    // Fig. 7: PR2 against d in bins of 0.1.
    const double width = 0.1;
    std::map<long, Accumulator> bins;
    for (std::size_t k = 0; k < s.doubleWells.size(); ++k) {
        if (!s.doubleWellStartFinished[k]) continue;
        const DoubleWell& w = s.doubleWells[k].dwp;
        if (!std::isfinite(w.d) || !std::isfinite(w.pr2)) continue;
        bins[static_cast<long>(std::floor(w.d / width))].add(w.pr2);
    }
    for (const auto& [b, acc] : bins) {
        DistanceBin d;
        d.low = static_cast<double>(b) * width, d.high = d.low + width;
        d.participation = acc.result();
        a.fig7.push_back(d);
    }
}

void analyzeSpatialDistribution(CatalogAnalysis& a, const SessionData& s) {
    const int n = s.parameters.particles;
    const double L = s.parameters.model.boxLengthFor(n);
    // Independent copies share the box but not space: only particles of one copy have a distance.
    const int per = n / std::max(1, s.parameters.model.copies);
    auto sameCopy = [per](int i, int j) { return i / per == j / per; };
    std::map<int, std::vector<int>> centrals; // start -> distinct central particles, in DWP order
    for (std::size_t k = 0; k < s.doubleWells.size(); ++k) {
        if (!s.doubleWellStartFinished[k]) continue;
        const DwpRecord& r = s.doubleWells[k];
        if (r.dwp.centralParticle < 0 || r.dwp.centralParticle >= n) continue;
        auto& c = centrals[r.start];
        if (std::find(c.begin(), c.end(), r.dwp.centralParticle) == c.end()) c.push_back(r.dwp.centralParticle);
    }
    Accumulator central, difference;
    double randomSum = 0.0, randomSpeciesSum = 0.0;
    for (const StartingStructure& st : s.starts) {
        const auto it = centrals.find(st.start);
        if (it == centrals.end() || it->second.size() < 2 || st.positions.size() != 3 * n) continue;
        const std::vector<int>& c = it->second;
        // The random reference: the mean distance over all pairs of distinct particles, overall
        // and per species pair.
        double all = 0.0;
        long pairs = 0;
        std::map<std::pair<int, int>, std::pair<double, long>> bySpecies;
        for (int i = 0; i < n; ++i)
            for (int j = i + 1; j < n && sameCopy(i, j); ++j) {
                const double d = pairDistance(st.positions, i, j, L);
                ++pairs;
                all += d;
                if (static_cast<int>(st.species.size()) == n) {
                    auto key = std::minmax(st.species[static_cast<std::size_t>(i)], st.species[static_cast<std::size_t>(j)]);
                    auto& e = bySpecies[{key.first, key.second}];
                    e.first += d, ++e.second;
                }
            }
        const double randomMean = all / static_cast<double>(pairs);
        const auto before = central.n;
        for (std::size_t p = 0; p < c.size(); ++p)
            for (std::size_t q = p + 1; q < c.size(); ++q) {
                if (!sameCopy(c[p], c[q])) continue;
                const double d = pairDistance(st.positions, c[p], c[q], L);
                central.add(d);
                difference.add(d - randomMean);
                randomSum += randomMean;
                double sameSpecies = randomMean;
                if (static_cast<int>(st.species.size()) == n) {
                    auto key = std::minmax(st.species[static_cast<std::size_t>(c[p])], st.species[static_cast<std::size_t>(c[q])]);
                    const auto& e = bySpecies[{key.first, key.second}];
                    if (e.second > 0) sameSpecies = e.first / static_cast<double>(e.second);
                }
                randomSpeciesSum += sameSpecies;
            }
        if (central.n > before) ++a.spatialStarts;
    }
    a.spatialPairs = central.n;
    a.centralDistance = central.result();
    a.centralMinusRandom = difference.result();
    if (central.n > 0) {
        a.randomDistance = randomSum / static_cast<double>(central.n);
        a.randomSameSpeciesDistance = randomSpeciesSum / static_cast<double>(central.n);
    }
}

std::string formatReport(const CatalogAnalysis& a) {
    std::ostringstream o;
    o << std::fixed;
    auto line = [&](const std::string& what, const std::string& value, const std::string& paper = "") {
        o << "  " << std::left << std::setw(44) << what << std::setw(26) << value << (value.size() >= 26 ? "  " : "") << paper << "\n";
    };
    auto num = [](double x, int digits = 3) {
        std::ostringstream s;
        s << std::fixed << std::setprecision(digits) << x;
        return s.str();
    };
    o << std::left << std::setw(46) << "Catalog (N = " + a.systemSize + ")" << std::setw(26) << "value" << "paper (N = 65)\n";
    line("starting minima analysed", std::to_string(a.startsFinished) + (a.startsFailed ? " (+" + std::to_string(a.startsFailed) + " failed)" : ""));
    line("attempts", std::to_string(a.attempts));
    line("distinct kept minima", std::to_string(a.minima));
    line("DWPs (Hessian-verified)", std::to_string(a.doubleWells));
    line("pairs rejected (no single saddle, d_mw_rp)", std::to_string(a.rejected));
    if (a.doubleWellsOfUnfinishedStarts)
        line("DWPs of unfinished starts (not counted)", std::to_string(a.doubleWellsOfUnfinishedStarts));
    line("DWPs per starting minimum", num(a.doubleWellsPerStart), "0.65");
    line("attempts back in the starting IS", num(100 * a.returnFraction, 1) + " +- " + num(100 * a.returnFractionError, 1) + " %");
    if (a.copies == 1 && a.doubleWells > 0)
        line("2 copies would keep (composites lost)", num(100 * a.twoCopiesRetention, 1) + " +- " + num(100 * a.twoCopiesRetentionError, 1) + " %", "~ 70 % (2 x 65)");
    line("central particle is B", num(100 * a.centralBFraction, 1) + " %", "> 90 %");
    line("Fig. 1 peak of d (asym < 0.02)", a.asymBelow002 ? num(a.fig1.peakCentre(), 3) : "-", "~ 0.3");
    line("DWPs with asym < 0.02", std::to_string(a.asymBelow002) +
             (a.asymBelow002 ? " (1 per " + num(a.particlesPerAsymBelow002, 0) + ")" : ""), "1 per ~1000 particles");
    line("DWPs with asym < 0.001", std::to_string(a.asymBelow0001) +
             (a.asymBelow0001 ? " (1 per " + num(a.particlesPerAsymBelow0001, 0) + ")" : ""), "1 per ~12000 particles");
    line("TLS (E_qs = E1 - E0 < " + num(a.tlsThresholdKelvin, 2) + " K)", std::to_string(a.tls));
    line("lowest two levels: one in each well", std::to_string(a.levelsInDifferentWells));
    line("  delocalised over both wells", std::to_string(a.levelsDelocalised));
    line("  both in one well (E_qs = vibration)", std::to_string(a.levelsInOneWell));
    if (a.startsFinished > 0)
        line("starting IS energy per particle", num(a.startEnergyMean, 4) + " +- " + num(a.startEnergyMeanError, 4) +
                 " (sd " + num(a.startEnergySd, 4) + ")",
             "total -304 ... -287 (-4.68 ... -4.42)");
    {
        std::ostringstream d;
        d << std::scientific << std::setprecision(2) << a.tlsDensity;
        line("TLS density [J^-1 m^-3]", d.str());
    }
    if (a.sameCentralCandidates)
        line("same central B (starts with 2 B-DWPs)",
             num(100 * a.sameCentralFraction, 1) + " +- " + num(100 * a.sameCentralError, 1) + " % of " +
                 std::to_string(a.sameCentralCandidates),
             "17 +- 2 % (random " + num(100 * a.sameCentralRandom, 1) + " %)");
    o << "\nTable I: participation ratios           PR1      PR2      PR3      PR4     count\n";
    auto row = [&](const char* name, const ParticipationRatios& p) {
        o << "  " << std::left << std::setw(36) << name << std::right << std::setprecision(2) << std::setw(8)
          << p.pr1 << ' ' << std::setw(8) << p.pr2 << ' ' << std::setw(8) << p.pr3 << ' ' << std::setw(8) << p.pr4
          << ' ' << std::setw(8) << p.count << "\n" << std::left;
    };
    row("all", a.all);
    row("central A", a.centralA);
    row("central B", a.centralB);
    o << "  " << std::left << std::setw(36) << "paper (all)" << "    2.14     3.29     9.50     7.65\n";
    auto hist = [&](const Histogram& h, int maxBins) {
        o << "\n" << h.name << ": " << h.quantity << "\n";
        const long top = h.counts.empty() ? 0 : *std::max_element(h.counts.begin(), h.counts.end());
        for (std::size_t k = 0; k < h.counts.size() && static_cast<int>(k) < maxBins; ++k) {
            o << "  " << std::setw(8) << std::setprecision(3) << h.low + k * h.width << " - " << std::setw(8)
              << h.low + (k + 1) * h.width << std::right << std::setw(7) << h.counts[k] << "  "
              << std::string(top ? static_cast<std::size_t>(40.0 * h.counts[k] / top) : 0, '#') << "\n" << std::left;
        }
    };
    hist(a.fig1, 16);
    hist(a.fig2Dwp, 12);
    hist(a.eqs, 18);
    if (a.startsFinished > 0) {
        // Only the occupied part of the IS-energy histogram.
        Histogram h = a.startEnergy;
        std::size_t first = 0, last = h.counts.size();
        while (first < last && h.counts[first] == 0) ++first;
        while (last > first && h.counts[last - 1] == 0) --last;
        h.low += static_cast<double>(first) * h.width;
        h.counts = std::vector<long>(h.counts.begin() + static_cast<long>(first), h.counts.begin() + static_cast<long>(last));
        if (!h.counts.empty()) hist(h, 40);
    }
    if (!a.byStartEnergy.empty()) {
        o << "\nFig. 3 / Fig. 4: against the starting IS energy (per particle; paper: weak dependence)\n"
          << "  E_IS/N range            starts  DWPs  asymmetry         d_mw_rp           barrier           DWPs per start";
        for (double c : a.fig4Distances) o << " (d<" << std::setprecision(1) << c << ")";
        o << "\n";
        for (const StartEnergyBin& b : a.byStartEnergy) {
            auto me = [&](const MeanError& m) {
                std::ostringstream t;
                t << std::fixed << std::setprecision(4) << m.mean << " +- " << m.error;
                return m.count ? t.str() : std::string("-");
            };
            o << "  " << std::setprecision(4) << std::setw(8) << b.low << " .. " << std::setw(8) << b.high << std::right
              << std::setw(8) << b.starts << std::setw(6) << b.doubleWells << "  " << std::left << std::setw(18)
              << me(b.asymmetry) << std::setw(18) << me(b.distance) << std::setw(18) << me(b.barrier);
            for (long c : b.doubleWellsBelow)
                o << std::setprecision(3) << std::setw(10) << (b.starts ? static_cast<double>(c) / b.starts : 0.0);
            o << "\n";
        }
    }
    if (!a.fig7.empty()) {
        o << "\nFig. 7: participation ratio PR2 against d (paper: rises with d)\n";
        for (const DistanceBin& b : a.fig7)
            o << "  d " << std::setprecision(2) << b.low << " - " << b.high << std::right << std::setw(7)
              << b.participation.count << "  PR2 " << std::setprecision(3) << b.participation.mean << " +- "
              << b.participation.error << "\n" << std::left;
    }
    if (a.spatialPairs > 0)
        o << "\nSpatial test (starts with > 1 DWP, distinct central particles; paper: as random)\n"
          << "  pairs of central particles " << a.spatialPairs << " in " << a.spatialStarts << " starts\n"
          << std::setprecision(4) << "  mean distance " << a.centralDistance.mean << " +- " << a.centralDistance.error
          << "   random particles " << a.randomDistance << " (same species pair " << a.randomSameSpeciesDistance
          << ")   difference " << a.centralMinusRandom.mean << " +- " << a.centralMinusRandom.error << "\n";
    o << "\nFig. 6: mean sorted displacement d_(k)      central A   central B\n";
    for (std::size_t k = 0; k < a.fig6A.size(); ++k)
        o << "  k = " << std::setw(3) << k + 1 << std::string(31, ' ') << std::right << std::setprecision(4)
          << std::setw(9) << a.fig6A[k] << "   " << std::setw(9) << a.fig6B[k] << "\n" << std::left;
    return o.str();
}

namespace {

std::string jsonNumber(double x) {
    if (!std::isfinite(x)) return "null";
    std::ostringstream s;
    s << std::setprecision(10) << x;
    return s.str();
}

std::string jsonHistogram(const Histogram& h) {
    std::ostringstream o;
    o << "{\"quantity\": \"" << h.quantity << "\", \"low\": " << jsonNumber(h.low) << ", \"width\": "
      << jsonNumber(h.width) << ", \"counts\": [";
    for (std::size_t k = 0; k < h.counts.size(); ++k) o << (k ? ", " : "") << h.counts[k];
    o << "]}";
    return o.str();
}

std::string jsonPr(const ParticipationRatios& p) {
    return "{\"count\": " + std::to_string(p.count) + ", \"pr1\": " + jsonNumber(p.pr1) + ", \"pr2\": " +
           jsonNumber(p.pr2) + ", \"pr3\": " + jsonNumber(p.pr3) + ", \"pr4\": " + jsonNumber(p.pr4) + "}";
}

std::string jsonArray(const std::vector<double>& v) {
    std::string out = "[";
    for (std::size_t k = 0; k < v.size(); ++k) out += (k ? ", " : "") + jsonNumber(v[k]);
    return out + "]";
}

} // namespace

std::string toJson(const CatalogAnalysis& a) {
    std::ostringstream o;
    o << "{\n"
      << "  \"particles\": " << a.particles << ",\n"
      << "  \"copies\": " << a.copies << ",\n"
      << "  \"starts_finished\": " << a.startsFinished << ",\n"
      << "  \"starts_failed\": " << a.startsFailed << ",\n"
      << "  \"attempts\": " << a.attempts << ",\n"
      << "  \"minima\": " << a.minima << ",\n"
      << "  \"rejected\": " << a.rejected << ",\n"
      << "  \"dwps\": " << a.doubleWells << ",\n"
      << "  \"dwps_of_unfinished_starts\": " << a.doubleWellsOfUnfinishedStarts << ",\n"
      << "  \"dwps_per_start\": " << jsonNumber(a.doubleWellsPerStart) << ",\n"
      << "  \"returned_to_start\": " << a.returnedToStart << ",\n"
      << "  \"return_fraction\": " << jsonNumber(a.returnFraction) << ",\n"
      << "  \"return_fraction_error\": " << jsonNumber(a.returnFractionError) << ",\n"
      << "  \"two_copies_retention\": " << jsonNumber(a.twoCopiesRetention) << ",\n"
      << "  \"two_copies_retention_error\": " << jsonNumber(a.twoCopiesRetentionError) << ",\n"
      << "  \"central_b_fraction\": " << jsonNumber(a.centralBFraction) << ",\n"
      << "  \"table1\": {\"all\": " << jsonPr(a.all) << ", \"central_a\": " << jsonPr(a.centralA)
      << ", \"central_b\": " << jsonPr(a.centralB) << "},\n"
      << "  \"asym_below_0.02\": " << a.asymBelow002 << ",\n"
      << "  \"asym_below_0.001\": " << a.asymBelow0001 << ",\n"
      << "  \"particles_per_asym_below_0.02\": " << jsonNumber(a.particlesPerAsymBelow002) << ",\n"
      << "  \"particles_per_asym_below_0.001\": " << jsonNumber(a.particlesPerAsymBelow0001) << ",\n"
      << "  \"tls\": " << a.tls << ",\n"
      << "  \"tls_threshold_kelvin\": " << jsonNumber(a.tlsThresholdKelvin) << ",\n"
      << "  \"tls_density_per_joule_cubic_metre\": " << jsonNumber(a.tlsDensity) << ",\n"
      << "  \"levels\": {\"different_wells\": " << a.levelsInDifferentWells << ", \"delocalised\": " << a.levelsDelocalised
      << ", \"one_well\": " << a.levelsInOneWell << "},\n"
      << "  \"start_energy_per_particle\": {\"mean\": " << jsonNumber(a.startEnergyMean) << ", \"sd\": "
      << jsonNumber(a.startEnergySd) << ", \"mean_error\": " << jsonNumber(a.startEnergyMeanError) << "},\n"
      << "  \"volume_cubic_metres\": " << jsonNumber(a.volumeCubicMetres) << ",\n"
      << "  \"same_central\": {\"candidates\": " << a.sameCentralCandidates << ", \"same\": " << a.sameCentral
      << ", \"fraction\": " << jsonNumber(a.sameCentralFraction) << ", \"error\": " << jsonNumber(a.sameCentralError)
      << ", \"random\": " << jsonNumber(a.sameCentralRandom) << "},\n"
      << "  \"fig1_peak\": " << jsonNumber(a.fig1.peakCentre()) << ",\n"
      << "  \"histograms\": {\"fig1\": " << jsonHistogram(a.fig1) << ", \"fig2\": " << jsonHistogram(a.fig2)
      << ", \"fig2_dwp\": " << jsonHistogram(a.fig2Dwp) << ", \"asymmetry\": " << jsonHistogram(a.asymmetry)
      << ", \"barrier\": " << jsonHistogram(a.barrier) << ", \"d_mw_rp\": " << jsonHistogram(a.distanceMwRp)
      << ", \"e_qs\": " << jsonHistogram(a.eqs) << ", \"start_energy\": " << jsonHistogram(a.startEnergy) << "},\n"
      << "  \"fig6\": {\"central_a\": " << jsonArray(a.fig6A) << ", \"central_b\": " << jsonArray(a.fig6B) << "},\n";
    auto me = [](const MeanError& m) {
        return "{\"count\": " + std::to_string(m.count) + ", \"mean\": " + jsonNumber(m.mean) + ", \"error\": " + jsonNumber(m.error) + "}";
    };
    o << "  \"fig4_distances\": " << jsonArray(a.fig4Distances) << ",\n  \"by_start_energy\": [";
    for (std::size_t k = 0; k < a.byStartEnergy.size(); ++k) {
        const StartEnergyBin& b = a.byStartEnergy[k];
        o << (k ? ",\n    " : "\n    ") << "{\"low\": " << jsonNumber(b.low) << ", \"high\": " << jsonNumber(b.high)
          << ", \"starts\": " << b.starts << ", \"dwps\": " << b.doubleWells << ", \"asymmetry\": " << me(b.asymmetry)
          << ", \"d_mw_rp\": " << me(b.distance) << ", \"barrier\": " << me(b.barrier) << ", \"dwps_below\": [";
        for (std::size_t c = 0; c < b.doubleWellsBelow.size(); ++c) o << (c ? ", " : "") << b.doubleWellsBelow[c];
        o << "]}";
    }
    o << "],\n  \"fig7\": [";
    for (std::size_t k = 0; k < a.fig7.size(); ++k)
        o << (k ? ", " : "") << "{\"low\": " << jsonNumber(a.fig7[k].low) << ", \"high\": " << jsonNumber(a.fig7[k].high)
          << ", \"pr2\": " << me(a.fig7[k].participation) << "}";
    o << "],\n  \"spatial\": {\"starts\": " << a.spatialStarts << ", \"pairs\": " << a.spatialPairs
      << ", \"central_distance\": " << me(a.centralDistance) << ", \"random_distance\": " << jsonNumber(a.randomDistance)
      << ", \"random_same_species_distance\": " << jsonNumber(a.randomSameSpeciesDistance)
      << ", \"central_minus_random\": " << me(a.centralMinusRandom) << "}\n}\n";
    return o.str();
}

std::string toCsv(const CatalogAnalysis& a) {
    std::ostringstream o;
    o << "series,x,value\n";
    for (const Histogram* h : {&a.fig1, &a.fig2, &a.fig2Dwp, &a.asymmetry, &a.barrier, &a.distanceMwRp, &a.eqs, &a.startEnergy})
        for (std::size_t k = 0; k < h->counts.size(); ++k) o << h->name << ',' << jsonNumber(h->binCentre(k)) << ',' << h->counts[k] << '\n';
    for (std::size_t k = 0; k < a.fig6A.size(); ++k) o << "fig6_central_a," << k + 1 << ',' << jsonNumber(a.fig6A[k]) << '\n';
    for (std::size_t k = 0; k < a.fig6B.size(); ++k) o << "fig6_central_b," << k + 1 << ',' << jsonNumber(a.fig6B[k]) << '\n';
    // Figs. 3, 4 and 7: x is the bin centre; errors as their own series.
    for (const StartEnergyBin& b : a.byStartEnergy) {
        const std::string x = jsonNumber(0.5 * (b.low + b.high));
        o << "fig3_asymmetry," << x << ',' << jsonNumber(b.asymmetry.mean) << "\nfig3_asymmetry_error," << x << ','
          << jsonNumber(b.asymmetry.error) << "\nfig3_d_mw_rp," << x << ',' << jsonNumber(b.distance.mean)
          << "\nfig3_d_mw_rp_error," << x << ',' << jsonNumber(b.distance.error) << "\nfig3_barrier," << x << ','
          << jsonNumber(b.barrier.mean) << "\nfig3_barrier_error," << x << ',' << jsonNumber(b.barrier.error) << '\n';
        for (std::size_t c = 0; c < a.fig4Distances.size(); ++c) {
            const double per = b.starts ? static_cast<double>(b.doubleWellsBelow[c]) / b.starts : 0.0;
            const double err = b.starts ? std::sqrt(static_cast<double>(b.doubleWellsBelow[c])) / b.starts : 0.0;
            o << "fig4_d_below_" << a.fig4Distances[c] << ',' << x << ',' << jsonNumber(per) << "\nfig4_d_below_"
              << a.fig4Distances[c] << "_error," << x << ',' << jsonNumber(err) << '\n';
        }
    }
    for (const DistanceBin& b : a.fig7)
        o << "fig7_pr2," << jsonNumber(0.5 * (b.low + b.high)) << ',' << jsonNumber(b.participation.mean) << "\nfig7_pr2_error,"
          << jsonNumber(0.5 * (b.low + b.high)) << ',' << jsonNumber(b.participation.error) << '\n';
    return o.str();
}

} // namespace tlscope
