#pragma once
// The paper's analyses of a DWP catalog (PHYSICS.md §7): densities, Table I, Fig. 1/2/6.
#include "core/io/SessionFile.h"

#include <string>
#include <vector>

namespace tlscope {

struct Histogram {
    std::string name, quantity;
    double low = 0.0, width = 0.0;
    std::vector<long> counts;
    double peakCentre() const;          ///< centre of the fullest bin
    double binCentre(std::size_t k) const { return low + (static_cast<double>(k) + 0.5) * width; }
};

struct ParticipationRatios {
    long count = 0;
    double pr1 = 0, pr2 = 0, pr3 = 0, pr4 = 0;
};

/// A mean with its standard error (0 for fewer than two values).
struct MeanError {
    long count = 0;
    double mean = 0.0, error = 0.0;
};

/// Fig. 3 and Fig. 4: one bin of starting-IS energy (per particle) and what its starts gave.
struct StartEnergyBin {
    double low = 0.0, high = 0.0; ///< energy per particle
    int starts = 0;
    long doubleWells = 0;
    MeanError asymmetry, distance, barrier; ///< Fig. 3: of the DWPs of these starts (distance: d_mw_rp)
    /// Fig. 4: DWPs per start with d_mw_rp below each of CatalogAnalysis::fig4Distances (counts;
    /// per start with a Poisson error: sqrt(count) / starts).
    std::vector<long> doubleWellsBelow;
};

/// Fig. 7: participation ratio PR2 (sum d_i^2 / d_max^2, Table I's second definition) of the
/// DWPs with d (not mass-weighted, as Table I) in [low, high).
struct DistanceBin {
    double low = 0.0, high = 0.0;
    MeanError participation;
};

struct CatalogAnalysis {
    int particles = 0;
    int copies = 1;          ///< independent copies sharing the box (the paper's 2 x 65)
    std::string systemSize;  ///< e.g. 65, or 2 x 65 
    int startsFinished = 0, startsFailed = 0;
    long attempts = 0;
    long doubleWells = 0;               ///< DWPs of finished starts
    long doubleWellsOfUnfinishedStarts = 0;
    long minima = 0, rejected = 0;
    double doubleWellsPerStart = 0.0;
    /// Attempts whose quench fell back into the starting IS (finished starts), and their fraction.
    long returnedToStart = 0;
    double returnFraction = 0.0;
    double returnFractionError = 0.0; ///< from the spread of the starts' fractions (attempts of one start are not independent)
    /// The paper's explanation of its 2 x 65 drop, made quantitative for this catalog: in a system
    /// of two independent copies of it, a DWP of one copy is found only by the attempts in which
    /// the other copy falls back into its starting IS (every other outcome is a composite
    /// transition). A DWP found k times in M attempts here is then found with probability
    /// 1 - (1 - q)^k, q a start's return fraction; the mean over DWPs and over the return fractions
    /// of all finished starts (the other copy is another glass) is the fraction of DWPs per
    /// particle that the two-copy system keeps with the same M. 0 without DWPs or for copies > 1.
    double twoCopiesRetention = 0.0, twoCopiesRetentionError = 0.0; ///< error: spread over DWPs
    double centralBFraction = 0.0;      ///< species index 1 ("B")
    ParticipationRatios all, centralA, centralB;
    long asymBelow002 = 0, asymBelow0001 = 0;
    double particlesPerAsymBelow002 = 0.0, particlesPerAsymBelow0001 = 0.0; ///< one such DWP per this many particles
    long tls = 0;
    /// Where the two lowest levels of each DWP live (docs/quantum.md): a tunnelling pair (one
    /// level in each well, or both delocalised) or both in one well (E_qs is then a vibration
    /// quantum of that well, not a tunnel splitting).
    long levelsInDifferentWells = 0, levelsDelocalised = 0, levelsInOneWell = 0;
    double tlsThresholdKelvin = 1.0;
    double tlsDensity = 0.0;            ///< J^-1 m^-3: TLS / (volume * threshold energy), NiP units
    double volumeCubicMetres = 0.0;
    long sameCentralCandidates = 0, sameCentral = 0; ///< starts with exactly two DWPs, both central B
    double sameCentralFraction = 0.0, sameCentralError = 0.0, sameCentralRandom = 0.0;
    Histogram fig1;                     ///< d for asym < 0.02
    Histogram fig2;                     ///< find counts of kept minima
    Histogram fig2Dwp;                  ///< find counts of DWPs
    Histogram asymmetry, barrier, distanceMwRp;
    Histogram eqs;                      ///< log10(E_qs / K)
    /// Inherent-structure energies of the starting structures (per particle), their mean, standard
    /// deviation and the standard error of the mean: is the starting ensemble equilibrated?
    Histogram startEnergy;
    double startEnergyMean = 0.0, startEnergySd = 0.0, startEnergyMeanError = 0.0;
    std::vector<double> fig6A, fig6B;   ///< mean sorted displacement profile, central A / B
    /// Fig. 3 / 4: the finished starts in (up to 8) equal bins of their IS energy per particle.
    std::vector<StartEnergyBin> byStartEnergy;
    std::vector<double> fig4Distances{0.2, 0.4, 0.6, 0.8};
    std::vector<DistanceBin> fig7;      ///< bins of 0.1 in d
    /// The spatial test (§III.D): in starts with more than one DWP, the distinct central particles
    /// (a particle central to several DWPs counts once); the mean minimum-image distance between
    /// two of them in the starting IS against the mean distance of two randomly chosen distinct
    /// particles of the same configuration (exact average over all pairs), and of two random
    /// particles of the same species pair. Per pair of central particles; errors from the spread.
    long spatialStarts = 0, spatialPairs = 0;
    MeanError centralDistance;
    double randomDistance = 0.0, randomSameSpeciesDistance = 0.0;
    MeanError centralMinusRandom;       ///< per pair: central distance - its configuration's random mean
};

CatalogAnalysis analyzeCatalog(const SessionData& session);

/// Several search sessions of one system as one catalog (e.g. two seeds of N = 130): the
/// sessions' starts renumbered one after the other (session k's start i becomes i plus the
/// `starts` of the sessions before it), everything else concatenated in order. The result has
/// the first session's parameters with `starts` summed and its path. InputError, naming the
/// files, if the model, N, the copies or M differ, or if one is an exploration.
SessionData poolSessions(const std::vector<SessionData>& sessions);
/// The parts of analyzeCatalog for Figs. 3/4, Fig. 7 and the spatial test (filled into `a`).
void analyzeAgainstStartEnergy(CatalogAnalysis& a, const SessionData& session);
void analyzeParticipationAgainstDistance(CatalogAnalysis& a, const SessionData& session);
void analyzeSpatialDistribution(CatalogAnalysis& a, const SessionData& session);

/// Human-readable report (what `tlscope-cli analyze` prints).
std::string formatReport(const CatalogAnalysis& a);
/// Every number of the analysis as JSON.
std::string toJson(const CatalogAnalysis& a);
/// The histograms and profiles as CSV rows: series,x,value.
std::string toCsv(const CatalogAnalysis& a);

} // namespace tlscope
