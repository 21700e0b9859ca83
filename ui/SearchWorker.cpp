#include "ui/SearchWorker.h"

#include "core/common/Error.h"

#include <QMetaObject>

#include <functional>

namespace tlscope::ui {

/// Runs on the search's worker threads; every call only copies data into a signal.
class SearchController::Observer final : public SearchObserver {
public:
    explicit Observer(SearchController& c) : c_(c) {}
    void onProgress(const SearchProgress& p) override { emit c_.progress(p); }
    void onStartingStructure(const StartingStructure& s) override {
        if (c_.writer_) c_.writer_->onStartingStructure(s);
        emit c_.startingStructure(std::make_shared<const StartingStructure>(s));
    }
    void onMinimum(const FoundMinimum& m) override { emit c_.minimumFound(std::make_shared<const FoundMinimum>(m)); }
    void onDoubleWell(const DwpRecord& r) override {
        if (c_.writer_) c_.writer_->onDoubleWell(r);
        emit c_.doubleWellFound(std::make_shared<const DwpRecord>(r));
    }
    void onStartCompleted(const StartSummary& s, const std::vector<FoundMinimum>& m) override {
        if (c_.writer_) c_.writer_->onStartCompleted(s, m);
        emit c_.logMessage(QString("start %1 done: IS energy %2, %3 attempts, %4 minima, %5 DWPs")
                               .arg(s.start)
                               .arg(s.energy, 0, 'f', 5)
                               .arg(s.attempts)
                               .arg(s.minima)
                               .arg(s.doubleWells));
    }
    void onSnapshot(const SearchSnapshot& s) override {
        {
            std::lock_guard lock(c_.snapshotMutex_);
            c_.snapshot_ = std::make_shared<const SearchSnapshot>(s);
        }
        if (!c_.snapshotPending_.exchange(true)) emit c_.snapshotAvailable();
    }
    void onLog(const std::string& m) override { emit c_.logMessage(QString::fromStdString(m)); }

private:
    SearchController& c_;
};

SearchController::SearchController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<SearchProgress>();
    qRegisterMetaType<std::shared_ptr<const DwpRecord>>();
    qRegisterMetaType<std::shared_ptr<const StartingStructure>>();
    qRegisterMetaType<std::shared_ptr<const FoundMinimum>>();
}

SearchController::~SearchController() {
    stop();
    wait();
}

bool SearchController::prepare(const std::function<void()>& setUp, QString* error) {
    if (running_.load()) {
        if (error) *error = tr("a search is already running");
        return false;
    }
    wait(); // the previous thread, if any, has ended
    writer_.reset();
    lock_.reset();
    try {
        setUp();
    } catch (const std::exception& e) {
        search_.reset();
        writer_.reset();
        lock_.reset();
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    search_->setWorkerNice(10); // the GUI thread keeps priority over the search
    return true;
}

bool SearchController::start(const SearchParameters& p, const QString& sessionPath, QString* error) {
    const bool ok = prepare([&] {
        search_ = std::make_unique<Search>(p);
        if (!sessionPath.isEmpty()) {
            lock_ = std::make_unique<SessionLock>(sessionPath.toStdString());
            writer_ = std::make_unique<SessionWriter>(sessionPath.toStdString(), p);
        }
    }, error);
    if (ok) launch({});
    return ok;
}

bool SearchController::resumeFrom(const QString& sessionPath, SessionData* earlier, QString* error) {
    SessionData data;
    const bool ok = prepare([&] {
        lock_ = std::make_unique<SessionLock>(sessionPath.toStdString());
        data = readSession(sessionPath.toStdString(), {false, false});
        if (data.complete()) throw InputError(sessionPath.toStdString() + " is complete: there is nothing to resume");
        writer_ = reopenForResume(sessionPath.toStdString(), data);
        search_ = std::make_unique<Search>(data.parameters);
    }, error);
    if (!ok) return false;
    const std::vector<int> done = data.finishedStarts();
    if (earlier) *earlier = std::move(data);
    launch(done);
    return true;
}

void SearchController::launch(std::vector<int> skipStarts) {
    running_ = true;
    snapshotPending_ = false;
    thread_.reset(QThread::create([this, skip = std::move(skipStarts)] {
        Observer observer(*this);
        bool complete = false;
        QString failure;
        try {
            complete = search_->run(observer, skip);
        } catch (const std::exception& e) {
            failure = QString::fromUtf8(e.what());
        }
        if (writer_) {
            writer_->close();
            // Rows in the canonical order (as tlscope-cli search leaves them): same seed, same file.
            if (complete) {
                try {
                    canonicalizeSession(writer_->path());
                } catch (const std::exception& e) {
                    if (failure.isEmpty()) failure = QString::fromUtf8(e.what());
                }
            }
        }
        lock_.reset(); // after the close: the file is complete when the next writer may take it
        running_ = false;
        emit finished(complete, failure);
    }));
    thread_->setObjectName("tlscope-search");
    thread_->start();
}

void SearchController::pause() {
    if (search_) search_->pause();
}

void SearchController::resume() {
    if (search_) search_->resume();
}

bool SearchController::paused() const { return search_ && search_->paused(); }

void SearchController::stop() {
    if (search_) search_->stop();
}

void SearchController::wait() {
    if (thread_) {
        thread_->wait();
        thread_.reset();
    }
}

std::shared_ptr<const SearchSnapshot> SearchController::takeSnapshot() {
    std::lock_guard lock(snapshotMutex_);
    snapshotPending_ = false;
    return std::exchange(snapshot_, nullptr);
}

} // namespace tlscope::ui
