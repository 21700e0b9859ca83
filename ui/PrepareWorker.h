#pragma once
// Runs a swap Monte Carlo glass preparation (core/dynamics/SwapMonteCarlo) on a worker thread
// for the "Prepare glass" panel, in the same manner as SearchController: progress arrives as
// queued signals, configuration snapshots are coalesced (latest wins), and the GUI thread never
// waits except for the short stop when the controller is destroyed.
#include "core/dynamics/SwapMonteCarlo.h"
#include "core/landscape/Minimizer.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

Q_DECLARE_METATYPE(tlscope::SwapPreparationProgress)

namespace tlscope::ui {

/// What a finished (or stopped) preparation produced.
struct PreparedGlass {
    Model model;
    int particles = 0;
    std::uint64_t seed = 0;
    SwapPreparationParameters parameters;
    SwapPreparationResult result;
    MinimizationResult quench;        ///< of the glass to its inherent structure (L-BFGS, |F| < 1e-8)
    Configuration inherentStructure;
    double seconds = 0.0;
};

class PrepareController : public QObject {
    Q_OBJECT
public:
    explicit PrepareController(QObject* parent = nullptr);
    ~PrepareController() override; ///< stops a running preparation and joins its thread

    /// Starts preparing one glass; false with `error` if one runs or the parameters are invalid.
    bool start(const Model& model, int n, const SwapPreparationParameters& p, std::uint64_t seed, QString* error = nullptr);
    void pause();
    void resume();
    void stop();
    bool running() const { return running_.load(); }
    bool paused() const { return paused_.load(); }
    /// The latest configuration (and marks it consumed), or null.
    std::shared_ptr<const Configuration> takeSnapshot();
    /// Blocks until the worker has ended (tests, shutdown).
    void wait();

signals:
    void progress(const tlscope::SwapPreparationProgress& progress);
    void snapshotAvailable();
    /// The glass (also a stopped one: then result.stopped), or null with `error`.
    void finished(std::shared_ptr<const tlscope::ui::PreparedGlass> glass, const QString& error);

private:
    std::thread thread_;
    std::atomic<bool> running_{false}, stop_{false}, paused_{false};
    std::mutex pauseMutex_, snapshotMutex_;
    std::condition_variable pauseCv_;
    std::atomic<bool> snapshotPending_{false};
    std::shared_ptr<const Configuration> snapshot_;
};

} // namespace tlscope::ui

Q_DECLARE_METATYPE(std::shared_ptr<const tlscope::ui::PreparedGlass>)
