#pragma once
// One exploration written to its session file, as `tlscope-cli explore` and the desktop
// application run it: the session created (or, with `resume`, rewritten with what an earlier
// run finished and continued), walk checkpoints while the walk runs, every analysed pair with
// its verdict and every DWP as it comes, the distinct IS as the start's minima at the end.
#include "core/explore/Exploration.h"
#include "core/search/Search.h"

#include <atomic>
#include <functional>
#include <string>

namespace tlscope {

struct ExplorationSessionOptions {
    std::string inputPath;        ///< the glass's file (stored in the session)
    bool resume = false;          ///< continue `out` if it exists (same parameters), else start it
    double checkpointEvery = 60;  ///< seconds between walk checkpoints (out + ".walk"); 0: none
    const std::atomic<bool>* stop = nullptr;
};

struct ExplorationSessionHooks {
    std::function<void(const std::string&)> message; ///< "resuming ...", "... is complete"
    WalkHooks walk;                                  ///< quenched / boundary as the walk runs (stop: from the options)
    /// The walk is complete and in the file; `candidates` pairs will be analysed.
    std::function<void(const MetabasinWalk&, std::size_t candidates)> walked;
    /// Each pair analysed now (candidate order), with its DWP record when it is one.
    std::function<void(const PairAnalysis&, std::size_t index, std::size_t total, const DwpRecord* dwp)> analysed;
};

struct ExplorationSessionResult {
    std::size_t quenches = 0, distinct = 0, transitions = 0, pairs = 0;
    int dwps = 0, tls = 0, rejected = 0, particles = 0;
    bool stopped = false;
    bool alreadyComplete = false; ///< resume found a finished session: nothing was run
};

/// Explores `glass` into the session file `out` (a SessionLock is taken for the run). Throws
/// InputError for a session that cannot be resumed (other parameters, another glass, not an
/// exploration), NumericalError when the walk fails.
ExplorationSessionResult exploreToSession(const Configuration& glass, const ExploreParameters& p, const std::string& out,
                                          const ExplorationSessionOptions& options, const ExplorationSessionHooks& hooks = {});

} // namespace tlscope
