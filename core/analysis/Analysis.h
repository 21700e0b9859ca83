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

struct CatalogAnalysis {
    int particles = 0;
    int startsFinished = 0, startsFailed = 0;
    long attempts = 0;
    long doubleWells = 0;               ///< DWPs of finished starts
    long doubleWellsOfUnfinishedStarts = 0;
    long minima = 0, rejected = 0;
    double doubleWellsPerStart = 0.0;
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
};

CatalogAnalysis analyzeCatalog(const SessionData& session);

/// Human-readable report (what `tlscope-cli analyze` prints).
std::string formatReport(const CatalogAnalysis& a);
/// Every number of the analysis as JSON.
std::string toJson(const CatalogAnalysis& a);
/// The histograms and profiles as CSV rows: series,x,value.
std::string toCsv(const CatalogAnalysis& a);

} // namespace tlscope
