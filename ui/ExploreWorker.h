#pragma once
// Runs a metabasin exploration (core/explore/ExplorationSession) on a worker thread for the
// "Explore" panel, in the manner of SearchController: the quench trace and the metabasin map
// are coalesced (the GUI takes the latest when it draws), DWPs arrive as queued signals and are
// never dropped, and the GUI thread never waits except for the short stop at destruction.
#include "core/explore/ExplorationSession.h"
#include "ui/SearchWorker.h" // the DWP record metatype

#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace tlscope::ui {

/// One quench of the walk, for the energy trace.
struct QuenchPoint {
    double time = 0.0;       ///< MD time of the quench
    double mdEnergy = 0.0;   ///< potential energy of the MD configuration that was quenched (NaN: the glass)
    double isEnergy = 0.0;   ///< energy of the inherent structure it reached
    int minimum = 0;         ///< its index among the distinct IS
    bool isNew = false;
};

/// A candidate pair of the map: analysed or not, DWP or TLS.
struct PairMark {
    int first = -1, second = -1;
    int candidate = -1;       ///< index among the candidates (= the DWP record's `minimum`)
    bool analysed = false, accepted = false, tls = false;
    double eqs = 0.0, asymmetry = 0.0, barrier = 0.0; ///< of a DWP
    std::string reason;       ///< of a rejected pair
};

/// What the metabasin map draws: the distinct IS (no positions), the transitions and the pairs.
struct MetabasinData {
    std::vector<double> energy;         ///< of each distinct IS (index 0: the quenched glass)
    std::vector<int> visits;
    std::vector<long> firstStep;
    std::map<std::pair<int, int>, int> transitions;
    std::vector<PairMark> pairs;
    int current = -1;                   ///< the IS of the latest quench (live runs)
    double timeStep = 0.01;
    /// Positions of each distinct IS (shared, never copied), for showing one in the 3D view.
    std::vector<std::shared_ptr<const Eigen::VectorXd>> positions;
    /// From a walk (and its analysed pairs, DWPs aligned by candidate index).
    static MetabasinData fromWalk(const MetabasinWalk& w, double timeStep);
    /// From an exploration session (pairs from its table, or from its DWPs for older files).
    static MetabasinData fromSession(const SessionData& s);
};

class ExploreController : public QObject {
    Q_OBJECT
public:
    explicit ExploreController(QObject* parent = nullptr);
    ~ExploreController() override; ///< stops a running exploration and joins its thread

    /// Explores `glass` into `sessionPath` (resume: continue that file). False with `error` if
    /// one runs or the parameters are invalid.
    bool start(const Configuration& glass, const ExploreParameters& p, const QString& sessionPath, const QString& inputPath,
               bool resume, QString* error = nullptr);
    void stop();
    bool running() const { return running_.load(); }
    /// Blocks until the worker has ended (tests, shutdown).
    void wait();
    /// Quench points since the last call.
    std::vector<QuenchPoint> takePoints();
    /// The latest map (and marks it consumed), or null.
    std::shared_ptr<const MetabasinData> takeMap();
    /// The IS of the latest quench and the glass's IS (for colouring by displacement), or nulls.
    std::pair<std::shared_ptr<const Eigen::VectorXd>, std::shared_ptr<const Eigen::VectorXd>> takeSnapshot();

signals:
    /// New points / a new map / a new snapshot wait (emitted once until taken).
    void pointsAvailable();
    void mapAvailable();
    void snapshotAvailable();
    void message(const QString& text);
    /// Progress of the analyses after the walk (done of total; `total` 0 during the walk).
    void pairsProgress(int done, int total, int dwps, int tls);
    void walkProgress(int quench, int quenches, int distinct, int transitions);
    void doubleWellFound(std::shared_ptr<const tlscope::DwpRecord> dwp);
    /// `error` empty unless the run failed; `stopped` when it was stopped (the file keeps it).
    void finished(bool stopped, const QString& error);

private:
    void publishMap(bool force);
    std::thread thread_;
    std::atomic<bool> running_{false}, stop_{false};
    std::mutex mutex_;
    std::vector<QuenchPoint> points_;
    std::shared_ptr<MetabasinData> map_;       ///< the worker's, updated in place (under mutex_)
    std::shared_ptr<const MetabasinData> published_;
    std::shared_ptr<const Eigen::VectorXd> current_, reference_;
    std::atomic<bool> pointsPending_{false}, mapPending_{false}, snapshotPending_{false};
};

} // namespace tlscope::ui
