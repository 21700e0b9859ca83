#pragma once
// Explorations against glass stability (issue 11; Khomenko et al. 2020, Mocanu et al. 2023):
// per session the DWP and TLS counts and densities (per particle, per volume, per J per m^3
// with the model's unit mapping), the cumulative E_qs distribution, and whether the walk looks
// saturated; several sessions grouped by the fictive temperature of their glasses.
#include "core/io/SessionFile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tlscope {

struct ExplorationSummary {
    std::string path;
    std::string fictiveTemperature;  ///< T_f of the glass (from its file), "?" when unknown
    int particles = 0;
    double volumeSigma3 = 0.0;        ///< box volume in sigma^3
    double glassIsEnergyPerParticle = 0.0;
    long quenches = 0, distinctMinima = 0, transitions = 0, transitionPairs = 0;
    long newMinimaSecondHalf = 0;     ///< distinct IS first found in the second half of the walk
    long candidatePairs = 0;          ///< pairs the exploration analyses (-1: the walk is not finished)
    long analysedPairs = 0;           ///< of those, analysed so far (a run still going or stopped has fewer)
    long doubleWells = 0, tls = 0;
    double tlsThreshold = 0.0;        ///< eps
    double tlsThresholdKelvin = 0.0;
    double dwpPerParticle = 0.0, tlsPerParticle = 0.0;
    double tlsPerM3 = 0.0;            ///< with the model's sigma in angstrom
    double tlsPerJouleM3 = 0.0;       ///< TLS per J per m^3: N_TLS / (threshold in J x volume)
    std::vector<double> eqs;          ///< every DWP's E_qs (eps), ascending: the cumulative n(E_qs)
};

/// Throws InputError if the session holds no exploration.
ExplorationSummary summarizeExploration(const SessionData& s);

/// The exploration as if its walk had stopped after `quenches` quenches: the shorter walk
/// (visits, transitions and distinct IS recounted) and only the pairs and DWPs that walk would
/// have analysed (same seed: the first quenches of a longer walk are the shorter walk). For the
/// saturation of a walk and for comparing walks of different lengths. Throws InputError for a
/// session with no exploration or an unfinished walk.
SessionData truncateExploration(const SessionData& s, long quenches);

struct StabilityGroup {
    std::string fictiveTemperature;
    int sessions = 0; ///< walks
    int glasses = 0;  ///< distinct glasses among them (walks from the same quenched glass E_IS)
    /// Means over glasses (each glass the mean of its walks), standard errors over glasses (0 for one).
    double dwpPerParticle = 0.0, dwpError = 0.0;
    double tlsPerParticle = 0.0, tlsError = 0.0;
    double tlsPerJouleM3 = 0.0, tlsPerJouleM3Error = 0.0;
    double isEnergyPerParticle = 0.0, isEnergyError = 0.0;
    long tls = 0, doubleWells = 0, particles = 0;
    /// All sessions pooled: TLS / particles and its one-sided 95 % Poisson upper limit (what a
    /// count of 0, 1 or 2 TLS can say; the standard error of such counts says little).
    double tlsPooled = 0.0, tlsUpper95 = 0.0;
    /// The low-E_qs density (all sessions pooled): DWPs with E_qs below `eqsWindow` (eps, a few
    /// times the TLS threshold, well below the vibrational quanta ~0.01-0.03 eps) per particle
    /// per eps, i.e. the slope n0 of the cumulative n(E_qs) there, with its Poisson error. With a
    /// flat density of states in the window (the tunnelling model's P0; check: the window's two
    /// halves hold equal counts) n0 times the threshold is the TLS density, estimated from
    /// several times more DWPs than the direct count; for a density rising across the window
    /// (upper half fuller) it is an upper estimate.
    double eqsWindow = 0.0;
    long windowCount = 0, windowLowerHalf = 0;
    double slope = 0.0, slopeError = 0.0, slopeUpper95 = 0.0;        ///< per particle per eps
    double tlsFromSlope = 0.0, tlsFromSlopeError = 0.0, tlsFromSlopeUpper95 = 0.0; ///< per particle
    double tlsFromSlopeGlassError = 0.0; ///< standard error of the per-glass estimates (glass-to-glass spread)
    /// Per glass (walks of one glass averaged), in the order found: DWPs per particle, TLS per
    /// particle, and the TLS per particle from its own low-E_qs count (window count / N / W x
    /// threshold) — the values the means and errors above and the trend below are taken over.
    std::vector<double> glassDwp, glassTls, glassTlsFromSlope;
};

/// How a per-glass quantity depends on T_f over all glasses of a comparison, each glass once:
/// the least-squares slope d(value)/dT_f with its standard error from the residuals (n - 2
/// degrees of freedom), and a one-sided permutation test of "the value rises with T_f" (falls
/// with stability): the T_f of the glasses shuffled among them, p the fraction of shuffles
/// whose slope is at least the observed one — no assumption on how the values scatter (glass
/// counts of 0, 1, 14 are far from normal). Exact (every distinct assignment of the T_f) when
/// there are at most `exactLimit` of them, otherwise `shuffles` random ones, seeded: the same
/// data always give the same p.
struct StabilityTrend {
    std::string quantity;
    int glasses = 0, temperatures = 0;      ///< glasses used and their distinct T_f
    double slope = 0.0, slopeError = 0.0;   ///< d(value)/dT_f; error 0 when undetermined (< 3 glasses)
    double pValue = 1.0;                    ///< one-sided: P(slope >= observed | no dependence on T_f)
    long permutations = 0;                  ///< assignments compared (exact) or shuffles drawn
    bool exact = false;
};

/// The trend of `values` against `fictiveTemperatures` (one entry per glass). Throws InputError
/// if the sizes differ; fewer than two distinct T_f give slope 0 and p = 1.
StabilityTrend stabilityTrend(const std::vector<double>& fictiveTemperatures, const std::vector<double>& values,
                              long shuffles = 100000, long exactLimit = 200000, std::uint64_t seed = 1);

/// The trends of DWPs per particle, TLS per particle (counted) and TLS per particle from n0
/// over every glass of the groups whose T_f is a number.
std::vector<StabilityTrend> stabilityTrends(const std::vector<StabilityGroup>& groups);

/// The one-sided upper confidence limit of a Poisson mean after observing `count` events
/// (confidence 0.95: 2.996 for 0, 4.744 for 1, 6.296 for 2).
double poissonUpperLimit(long count, double confidence = 0.95);

/// The default E_qs window of the low-E_qs density: four times the TLS threshold.
constexpr double kDefaultEqsWindowFactor = 4.0;

/// Sessions grouped by T_f (in the order of first appearance), with means and standard errors
/// over glasses.
/// `eqsWindow` (eps) for the low-E_qs density; 0: kDefaultEqsWindowFactor x the first
/// session's TLS threshold.
std::vector<StabilityGroup> groupByFictiveTemperature(const std::vector<ExplorationSummary>& sessions, double eqsWindow = 0.0);

/// The text `analyze` prints for one exploration, and for a comparison.
std::string formatExploration(const ExplorationSummary& s);
std::string formatComparison(const std::vector<StabilityGroup>& groups);
/// The comparison as CSV (t_f, sessions, means and errors).
std::string comparisonCsv(const std::vector<StabilityGroup>& groups);

} // namespace tlscope
