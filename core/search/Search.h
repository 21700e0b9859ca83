#pragma once
// The Reinisch-Heuer search for double-well potentials (PHYSICS.md §2-6): independent
// equilibrated liquids quenched to inherent structures, M kicked-MD attempts from each, every
// distinct nearby minimum connected to its IS by a verified saddle and characterised.
#include "core/landscape/Minimizer.h"
#include "core/model/Model.h"
#include "core/system/Configuration.h"
#include "core/tls/DoubleWell.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <limits>
#include <mutex>
#include <string>
#include <vector>

namespace tlscope {

/// How the starting liquids are made (PHYSICS.md §2, docs/validation.md "Starting glasses").
enum class StartProtocol {
    Independent, ///< one liquid per start: melt, equilibrate for equilibrationTime (parallel)
    Trajectory   ///< the paper's: one trajectory, equilibrated, sampled every sampleInterval
};
StartProtocol parseStartProtocol(const std::string& name); ///< "independent" or "trajectory"
std::string startProtocolName(StartProtocol p);

/// Everything that defines a run. The same value the CLI reads and the GUI builds; stored in
/// session files so that a run can be resumed and reproduced.
struct SearchParameters {
    Model model = Model::preset("ka-rh");
    int particles = 65;
    std::uint64_t seed = 1;
    int starts = 10;               ///< starting inherent structures
    int attempts = 400;            ///< M, kicks per starting IS
    double tEquil = 0.5;
    /// At T_equil, after a melt at T = 2 for meltTime. 3000 reproduces the equilibrium IS-energy
    /// distribution of KA-RH at T = 0.5, N = 65 (mean and width; docs/validation.md); 1000 is
    /// 0.6 eps too high and too narrow, 100 (the old default) 2 eps too high.
    double equilibrationTime = 3000.0;
    double meltTime = 10.0;
    StartProtocol startProtocol = StartProtocol::Independent;
    double sampleInterval = 100.0;  ///< Trajectory protocol: time between successive starts
    double tSearch = 0.6;          ///< temperature of the Maxwell-Boltzmann kick (calibrated, docs/validation.md)
    long nSearch = 150;            ///< NVE steps after the kick (calibrated)
    double timeStep = 0.01;
    double dMin = 1e-3;            ///< below: the starting IS itself (PHYSICS.md §3)
    double dMax = 0.8;             ///< applied to d_mw_rp, as the paper does
    double asymMax = 0.5;
    SaddleMethod saddleMethod = SaddleMethod::Neb;
    double tlsThresholdKelvin = 1.0;
    double ircStep = ReactionPathOptions{}.step;              ///< resolved-path step (docs/quantum.md)
    double minimumBarrier = DoubleWellOptions{}.minimumBarrier; ///< smaller barrier below: a shoulder
    double minimizerTolerance = 1e-10;
    /// Quenches of the start and of every attempt. L-BFGS needs half of CG's force evaluations
    /// and reaches the same minimum from 397 of 400 kicks (docs/performance.md); CG is the
    /// paper's choice. Descents from the saddle always use CG.
    MinimizerKind quenchMinimizer = MinimizerKind::Lbfgs;
    /// The kicks, equilibration and sampling trajectory with single-precision forces where the
    /// kernel has them (docs/performance.md; quenches, saddles and paths stay in double). Runs
    /// written before this setting existed resume with double.
    bool singlePrecisionMd = true;
    int threads = 0;               ///< 0: hardware concurrency. Never changes the results.
    /// A glass to start from (extended XYZ, LAMMPS data or dump; e.g. one `prepare` made)
    /// instead of an equilibrated liquid: its inherent structure is the one start (starts = 1;
    /// raise `attempts` to search it longer). Empty: equilibrated liquids.
    std::string inputFile;

    /// Throws InputError naming the first impossible value.
    void validate() const;
    /// One "key = value" per line; the reverse of `parse`.
    std::string serialize() const;
    /// Reads `serialize`'s format (the model is stored separately). Throws InputError.
    /// How the search characterises a pair (saddle method, unit mapping, TLS threshold, path step,
    /// shoulder rule): also what re-resolving a stored catalog must use.
    DoubleWellOptions doubleWellOptions() const;
    static SearchParameters parse(const std::string& text, const Model& model, const std::string& source);
};

/// The seed of starting structure k, derived from the run seed.
/// "single" -> true, "double" -> false (the md_forces run parameter); InputError otherwise.
bool parseMdForces(const std::string& name);

std::uint64_t startSeed(std::uint64_t seed, int start);

struct SearchProgress {
    long attemptsDone = 0, attemptsTotal = 0;
    int startsDone = 0, startsTotal = 0;
    long minima = 0;          ///< distinct kept minima so far
    long doubleWells = 0, tls = 0, rejected = 0;
    double elapsedSeconds = 0.0;
    double attemptsPerSecond = 0.0;
    double etaSeconds = -1.0; ///< < 0 while unknown
};

/// A starting inherent structure.
struct StartingStructure {
    int start = -1;
    double energy = 0.0;
    double boxLength = 0.0;
    std::vector<int> species;
    std::vector<double> diameters; ///< soft spheres: each start draws its own arrangement
    Eigen::VectorXd positions;
    bool ok = true;          ///< false if the quench failed (then `message` says why)
    std::string message;
};

/// Outcome of the saddle analysis of a kept minimum.
enum class MinimumStatus { Pending = 0, DoubleWell = 1, Rejected = 2 };

/// A distinct minimum found from a starting IS that passed the d / asymmetry filters.
struct FoundMinimum {
    int start = -1;
    int id = -1;             ///< index among this start's kept minima, in order of discovery
    int firstAttempt = -1;
    int findCount = 0;       ///< how many of the M attempts ended here (Fig. 2)
    double energy = 0.0, d = 0.0, dMassWeighted = 0.0, asymmetry = 0.0;
    MinimumStatus status = MinimumStatus::Pending;
    std::string reason;      ///< why it is not a DWP, when rejected
    Eigen::VectorXd positions;
};

/// A verified DWP between a starting IS (minimum 1) and one of its kept minima (minimum 2).
struct DwpRecord {
    int start = -1, minimum = -1;
    int findCount = 0;
    double startEnergy = 0.0;
    std::vector<int> species; ///< of the system (each start has its own arrangement)
    std::vector<double> diameters; ///< likewise, for models with per-particle diameters
    DoubleWell dwp;
};

/// What one starting structure produced, once all its attempts and analyses are done.
struct StartSummary {
    int start = -1;
    bool ok = true;
    std::string message;
    double energy = 0.0;
    int attempts = 0, returnedToStart = 0, tooFar = 0, tooAsymmetric = 0, failedMinimizations = 0;
    int minima = 0, doubleWells = 0, rejected = 0;
};

/// A configuration to show while the search runs: the current attempt's minimum (or MD
/// configuration) and the IS it started from.
struct SearchSnapshot {
    int start = -1, attempt = -1;
    double boxLength = 0.0;
    std::vector<int> species;
    std::vector<double> diameters;
    Eigen::VectorXd reference, positions;
};

/// Callbacks of a running search. They come from worker threads, one at a time (the search
/// serialises them), so implementations need no locking of their own but must not block long.
class SearchObserver {
public:
    virtual ~SearchObserver() = default;
    virtual void onProgress(const SearchProgress&) {}
    virtual void onStartingStructure(const StartingStructure&) {}
    virtual void onMinimum(const FoundMinimum&) {}
    virtual void onDoubleWell(const DwpRecord&) {}
    /// All of the start's minima, with their final status, then its summary: the start is done.
    virtual void onStartCompleted(const StartSummary&, const std::vector<FoundMinimum>&) {}
    virtual void onSnapshot(const SearchSnapshot&) {}
    virtual void onLog(const std::string&) {}
};

/// Runs a search. `run` blocks until all starts are done or a stop was requested; `stop`,
/// `pause` and `resume` may be called from any thread and take effect within one attempt
/// (milliseconds at N = 65) or one minimization iteration.
class Search {
public:
    explicit Search(SearchParameters parameters);

    /// Runs every start not in `skipStarts` (those already completed in a resumed session).
    /// Returns false if stopped early.
    bool run(SearchObserver& observer, const std::vector<int>& skipStarts = {});

    void stop();
    void pause();
    void resume();
    bool paused() const { return paused_.load(); }
    bool stopRequested() const { return stop_.load(); }
    /// Lowers the scheduling priority of the worker threads (Linux nice value, 0..19) so that
    /// an interactive front end stays responsive on a machine the search saturates.
    void setWorkerNice(int nice) { workerNice_ = nice; }
    /// Seconds between snapshots (0: none).
    void setSnapshotInterval(double seconds) { snapshotInterval_ = seconds; }
    const SearchParameters& parameters() const { return p_; }

private:
    void runStart(int start, class Serializer& out);
    /// The Trajectory protocol's configurations (empty for Independent). The trajectory runs on
    /// one thread while the others already search the starts sampled so far: the first
    /// `samplesReady_` are valid.
    std::vector<Configuration> sampledStarts_;
    bool waitWhilePaused();
    /// Waits until start k's configuration is sampled; false if it never will be (stop, failure).
    bool waitForSample(int k);
    std::mutex sampleMutex_;
    std::condition_variable sampleCv_;
    int samplesReady_ = std::numeric_limits<int>::max();
    bool samplingEnded_ = true;

    SearchParameters p_;
    std::atomic<bool> stop_{false}, paused_{false};
    std::mutex pauseMutex_;
    std::condition_variable pauseCv_;
    double snapshotInterval_ = 0.1;
    int workerNice_ = 0;
};

/// One point of a calibration scan (PHYSICS.md §4: pick T_search and N_search that find the
/// largest number of distinct nearby minima).
struct CalibrationPoint {
    double tSearch = 0.0;
    long nSearch = 0;
    int attempts = 0;
    double distinctMinimaPerStart = 0.0;
    double returnedFraction = 0.0;  ///< attempts that fell back into the starting IS
    double tooFarFraction = 0.0;    ///< attempts that left the d / asymmetry window
    double secondsPerAttempt = 0.0;
};

/// Runs only the attempt stage (no saddles) for every (T, N) pair on `p.starts` starting
/// structures with `p.attempts` attempts each; `progress(done, total)` after each point.
std::vector<CalibrationPoint> calibrate(const SearchParameters& p, const std::vector<double>& temperatures,
                                        const std::vector<long>& steps,
                                        const std::function<void(int, int)>& progress = {},
                                        const std::atomic<bool>* stop = nullptr);

} // namespace tlscope
