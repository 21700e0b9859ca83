#pragma once
// Session files (*.tls.h5): one HDF5 file per search run in an H5MD 1.1 layout (DESIGN.md
// "Files"). Written while the search runs with HDF5's single-writer/multiple-reader mode and
// flushed after every DWP and every finished start, so that a killed run leaves a readable
// file, another process can follow it, and a run can resume.
//
//   /h5md                          version 1.1, author, creator
//   /particles/inherent_structures box (periodic, edges), position and species per start (frames);
//                                  diameter too for models with per-particle diameters (soft spheres)
//   /observables/inherent_structures/potential_energy
//   /tlscope                       format, format_version; model and parameters as text
//   /tlscope/starts                one row per finished start (compound)
//   /tlscope/minima, minima_positions        every kept minimum, its status and reason
//   /tlscope/dwp                   one row per DWP, every quantity of PHYSICS.md §5-6
//   /tlscope/dwp_{species,minimum1,minimum2,saddle,sorted_profile,path_positions,path_s,path_energy}
//   /tlscope/dwp_diameter          per DWP, for models with per-particle diameters
//   /tlscope/exploration           explorations only: parameters (text), is_sequence + is_step (one
//                                  row per quench), is_energy, is_visits, is_first_step and
//                                  is_positions (one row per distinct IS), transitions (from, to, count),
//                                  walk_complete (one row once the walk is in), pairs (every analysed
//                                  candidate pair: IS, successive, accepted, reason), dwp_pairs
#include "core/explore/Exploration.h"
#include "core/search/Search.h"

#include <optional>

#include <memory>
#include <string>
#include <vector>

namespace tlscope {

/// Everything a session file holds, as read back.
struct SessionData {
    std::string path;
    std::string creator;               ///< program and version that wrote it
    SearchParameters parameters;
    std::vector<StartingStructure> starts;   ///< finished starts, sorted by start index
    std::vector<StartSummary> summaries;     ///< same order as `starts`
    std::vector<FoundMinimum> minima;        ///< of finished starts, sorted by (start, id)
    std::vector<DwpRecord> doubleWells;      ///< all DWPs in the file, sorted by (start, minimum)
    /// Whether the start of each DWP has finished (a run still going or killed has DWPs of
    /// starts in flight; `--resume` recomputes those starts).
    std::vector<bool> doubleWellStartFinished;
    /// The metabasin walk of an exploration session (`tlscope-cli explore`): minima[0] is the
    /// quenched glass; DWP rows then pair IS `minimum` with the IS their minimum 1 is.
    struct Exploration {
        std::string parameters;
        MetabasinWalk walk;
        std::vector<std::pair<int, int>> dwpPairs; ///< the two IS of each DWP, aligned with doubleWells
        bool walkComplete = false;       ///< the whole walk is in the file (else a run stopped during it)
        std::vector<PairAnalysis> pairs; ///< the analysed candidate pairs in candidate order (no DWP data)
    };
    std::optional<Exploration> exploration;
    bool complete() const { return static_cast<int>(starts.size()) == parameters.starts; }
    std::vector<int> finishedStarts() const;
};

struct SessionReadOptions {
    bool minimaPositions = true;
    bool paths = true; ///< DWP configurations and paths (large)
};

/// Reads a session file; also one that is still being written. Throws InputError with the file
/// name and what is wrong for missing, non-HDF5, foreign (no TLScope session) or damaged files.
SessionData readSession(const std::string& path, const SessionReadOptions& options = {});

/// Writes a session as a search runs: attach it as (part of) the search's observer.
class SessionWriter final : public SearchObserver {
public:
    /// Creates (or truncates) `path`. Throws InputError if it cannot be created.
    SessionWriter(const std::string& path, const SearchParameters& parameters);
    /// An exploration session: the same layout plus /tlscope/exploration (its parameters text).
    SessionWriter(const std::string& path, const SearchParameters& parameters, const std::string& explorationParameters);
    /// The walk of an exploration session (once, after the walk and before the analyses).
    void writeExploration(const MetabasinWalk& walk);
    /// A DWP of an exploration between IS `first` (its minimum 1) and IS `second`.
    void onExplorationDoubleWell(const DwpRecord& r, int first, int second);
    /// An analysed candidate pair (after its DWP, if any: the row marks the analysis done).
    void onExplorationPair(const PairAnalysis& a);
    ~SessionWriter() override;
    SessionWriter(const SessionWriter&) = delete;
    SessionWriter& operator=(const SessionWriter&) = delete;

    void onDoubleWell(const DwpRecord& r) override;
    void onStartCompleted(const StartSummary& s, const std::vector<FoundMinimum>& minima) override;
    void onStartingStructure(const StartingStructure& s) override;

    /// Copies the finished starts (and their minima and DWPs) of an earlier session.
    void copyFinished(const SessionData& earlier);
    /// Closes the file (also done by the destructor).
    void close();
    /// A write failed (disk full...): the writer refuses further writes.
    bool failed() const;
    const std::string& path() const { return path_; }

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
    std::string path_;
};

/// Only one process writes a session: a lock (flock on `path + ".lock"`, which holds the
/// writer's pid and host) taken before the file is created, overwritten or resumed and held until
/// the writer is done. Throws InputError naming the holder if another process has it. (HDF5
/// releases its own lock once single-writer/multiple-reader mode starts.)
class SessionLock {
public:
    explicit SessionLock(const std::string& sessionPath);
    ~SessionLock();
    SessionLock(const SessionLock&) = delete;
    SessionLock& operator=(const SessionLock&) = delete;

private:
    std::string path_;
    int fd_ = -1;
};

/// True while another process (or another SessionLock in this one) holds the session's lock:
/// a search is writing the file, so it may still grow.
bool sessionBeingWritten(const std::string& sessionPath);

/// Continues a killed or stopped run: rewrites `path` with the finished starts only (through a
/// temporary file and a rename, so the original stays intact until the copy is complete) and
/// returns the writer positioned to append, plus the earlier data. `threads` overrides the
/// stored thread count (results do not depend on it).
std::unique_ptr<SessionWriter> reopenForResume(const std::string& path, SessionData& earlier);

/// Writes the finished starts of `inputs` — parts of one search run (same model and parameters;
/// e.g. the per-rank files of an MPI run, or a file and the parts of its resumed run) — into
/// `output` in the canonical order: starts by index, minima by (start, id), DWPs by (start,
/// minimum). A start found in several inputs must be the same result (it is kept once). The
/// bytes of the result depend only on the run (same seed, same file, whatever the thread or rank
/// count). Written through a temporary file and a rename; `output` may be one of the inputs.
/// Throws InputError naming the file for a foreign, damaged or mismatched input. Returns the
/// number of finished starts written.
int mergeSessions(const std::vector<std::string>& inputs, const std::string& output);
/// mergeSessions({path}, path): rows in the canonical order (a finished search does this).
void canonicalizeSession(const std::string& path);
/// Writes the finished starts of `session` (its starts, minima and their DWPs) as a new session
/// file, through a temporary and a rename: `output` is replaced only by a complete file.
void writeFinishedSession(const SessionData& session, const std::string& output);

/// The DWP table as CSV (one header line, one row per DWP).
void writeDoubleWellCsv(const SessionData& session, const std::string& path);

/// A DWP's minimum 1, saddle and minimum 2 as a 3-frame extended XYZ file, aligned to minimum 1
/// (no particle jumps across the box between frames).
void writeDoubleWellXyz(const SessionData& session, std::size_t index, const std::string& path);
/// The DWP's whole stored path (25 frames along the resolved reaction path, minima at the ends) as
/// a multi-frame extended XYZ trajectory aligned to minimum 1, with each frame's energy and s.
void writeDoubleWellPathXyz(const SessionData& session, std::size_t index, const std::string& path);

} // namespace tlscope
