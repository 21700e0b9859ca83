#pragma once
// The metabasin exploration of one glass and the DWP analysis of what it found: every pair of
// distinct inherent structures seen in succession (and, as a setting, every pair of one
// exploration whose classical asymmetry is small) goes through the analysis of the search
// (saddle, index check, descents, resolved path, 1D Schroedinger equation), with the model's
// unit mapping and TLS threshold; every rejection keeps its reason.
#include "core/explore/Metabasin.h"
#include "core/model/Model.h"
#include "core/system/Configuration.h"
#include "core/tls/DoubleWell.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace tlscope {

struct ExploreParameters {
    Model model = Model::preset("soft-spheres");
    WalkParameters walk;
    double sameDistance = 1e-3; ///< PHYSICS.md §3
    double sameEnergy = 1e-7;
    /// Also analyse every pair of distinct IS whose |E_i - E_j| is below this, successive or
    /// not (0: only successive pairs).
    double pairAsymmetry = 0.0;
    SaddleMethod saddleMethod = SaddleMethod::Neb;
    double ircStep = ReactionPathOptions{}.step;
    double minimumBarrier = DoubleWellOptions{}.minimumBarrier;
    int threads = 0; ///< for the pair analyses; 0: all cores. Never changes the results.
    std::string glassFictiveTemperature = "?"; ///< T_f of the glass (from its file), for `analyze --compare`
    void validate() const;
    /// One "key = value" per line (stored in sessions).
    std::string serialize() const;
    /// The inverse of serialize() for a session of `model` (its stored model): every walk and
    /// analysis setting back. Throws InputError naming a missing or malformed key.
    static ExploreParameters parse(const std::string& text, const Model& model);
};

/// The analysis of one candidate pair.
struct PairAnalysis {
    int first = -1, second = -1; ///< indices into the walk's minima (first < second)
    bool successive = true;      ///< seen in succession (else: a low-asymmetry pair)
    bool accepted = false;
    std::string reason;          ///< why it is not a DWP
    DoubleWell dwp;              ///< minimum 1 = IS `first`
};

struct ExplorationResult {
    MetabasinWalk walk;
    std::vector<PairAnalysis> pairs; ///< in the order of candidatePairs()
    bool stopped = false;
    int doubleWells() const;
    int tls() const;
};

/// Where a resumed exploration continues: from a walk checkpoint, or (the walk done) from the
/// first candidate pair not yet analysed.
struct ExploreResume {
    std::optional<WalkCheckpoint> walk;       ///< continue the walk from here
    std::optional<MetabasinWalk> finishedWalk; ///< the walk is done: straight to the analyses
    std::vector<PairAnalysis> analysed;       ///< the first candidates' analyses, in candidate order
};

struct ExploreHooks {
    WalkHooks walk;
    /// After the walk, before the analyses (the walk can be saved now).
    std::function<void(const MetabasinWalk&)> walked;
    /// Each analysed pair, in candidate order (from the calling thread's point of view: serialised).
    std::function<void(const PairAnalysis&, std::size_t index, std::size_t total)> analysed;
};

/// The candidate pairs of a walk: successive pairs in order of first observation, then (with
/// pairAsymmetry > 0) the other pairs below that asymmetry, by (first, second).
std::vector<std::pair<int, int>> candidatePairs(const MetabasinWalk& w, double pairAsymmetry,
                                                std::vector<bool>* successive = nullptr);

/// Explores the glass (quenched first) and analyses the candidate pairs; the same parameters
/// give the same result for any thread count.
/// With `resume` (from an interrupted run with the same parameters) the result is the one the
/// uninterrupted run gives; `hooks.analysed` is then called only for the pairs analysed now.
ExplorationResult exploreGlass(const Configuration& glass, const ExploreParameters& p, const ExploreHooks& hooks = {},
                               const ExploreResume* resume = nullptr);

} // namespace tlscope
