#pragma once
// The bridge between the core Search and the GUI (DESIGN.md "Data flow and threads"): a
// controller on the GUI thread owns a QThread on which the search runs. Observer calls become
// queued signals carrying immutable snapshots; configuration snapshots are coalesced (latest
// wins), DWP events are never dropped. The GUI thread never computes and never waits, except
// for the short stop when the controller is destroyed.
#include "core/io/SessionFile.h"
#include "core/search/Search.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

Q_DECLARE_METATYPE(tlscope::SearchProgress)
Q_DECLARE_METATYPE(std::shared_ptr<const tlscope::DwpRecord>)
Q_DECLARE_METATYPE(std::shared_ptr<const tlscope::StartingStructure>)
Q_DECLARE_METATYPE(std::shared_ptr<const tlscope::FoundMinimum>)

namespace tlscope::ui {

class SearchController : public QObject {
    Q_OBJECT
public:
    explicit SearchController(QObject* parent = nullptr);
    ~SearchController() override; ///< stops a running search and joins its thread

    /// Starts a search (returns false with `error` if one is running or the parameters are
    /// invalid). With a non-empty `sessionPath` every DWP is written there as it is found.
    bool start(const SearchParameters& parameters, const QString& sessionPath, QString* error = nullptr);
    /// Continues the stopped or killed run in `sessionPath` (as `tlscope-cli search --resume`):
    /// the file is rewritten with its finished starts, whose data `earlier` receives, and the
    /// remaining starts run. False with `error` if it cannot (running, locked, damaged, complete).
    bool resumeFrom(const QString& sessionPath, SessionData* earlier, QString* error = nullptr);
    void pause();
    void resume();
    /// Asks the search to stop; `finished` follows within one attempt.
    void stop();
    bool running() const { return running_.load(); }
    bool paused() const;
    /// The latest configuration snapshot (and marks it consumed), or null.
    std::shared_ptr<const SearchSnapshot> takeSnapshot();
    /// Blocks until the worker has ended (tests, shutdown).
    void wait();

signals:
    void progress(const tlscope::SearchProgress& progress);
    void startingStructure(std::shared_ptr<const tlscope::StartingStructure> structure);
    void minimumFound(std::shared_ptr<const tlscope::FoundMinimum> minimum);
    void doubleWellFound(std::shared_ptr<const tlscope::DwpRecord> dwp);
    /// A new snapshot is waiting in takeSnapshot(); emitted once until it is taken.
    void snapshotAvailable();
    void logMessage(const QString& message);
    /// `complete`: every start finished; `error`: why the run failed (empty if it did not).
    void finished(bool complete, const QString& error);

private:
    class Observer;
    /// Checks that nothing runs, then `setUp` makes search_ (and lock_/writer_); on an exception
    /// everything is released and `error` says why.
    bool prepare(const std::function<void()>& setUp, QString* error);
    void launch(std::vector<int> skipStarts);
    std::unique_ptr<QThread> thread_;
    std::unique_ptr<Search> search_;
    std::unique_ptr<SessionLock> lock_;
    std::unique_ptr<SessionWriter> writer_;
    std::atomic<bool> running_{false};
    std::atomic<bool> snapshotPending_{false};
    std::mutex snapshotMutex_;
    std::shared_ptr<const SearchSnapshot> snapshot_;
};

} // namespace tlscope::ui
