#include "ui/PrepareWorker.h"

#include "core/common/Error.h"
#include "core/potential/PairPotential.h"

#include <chrono>

namespace tlscope::ui {

PrepareController::PrepareController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<SwapPreparationProgress>();
    qRegisterMetaType<std::shared_ptr<const PreparedGlass>>();
}

PrepareController::~PrepareController() {
    stop();
    wait();
}

bool PrepareController::start(const Model& model, int n, const SwapPreparationParameters& p, std::uint64_t seed, QString* error) {
    if (running_.load()) {
        if (error) *error = tr("a glass is already being prepared");
        return false;
    }
    wait();
    try {
        model.validate();
        checkCutoffFitsBox(model, model.boxLengthFor(n));
        if (n < 2) throw InputError("need at least 2 particles");
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    stop_ = false;
    paused_ = false;
    running_ = true;
    thread_ = std::thread([this, model, n, p, seed] {
        auto glass = std::make_shared<PreparedGlass>();
        glass->model = model, glass->particles = n, glass->seed = seed, glass->parameters = p;
        QString message;
        const auto t0 = std::chrono::steady_clock::now();
        try {
            glass->result = prepareSwapGlass(model, n, p, seed, [this](const SwapPreparationProgress& now) {
                SwapPreparationProgress copy = now;
                copy.state = nullptr; // valid only here
                emit progress(copy);
                if (now.state) {
                    {
                        std::lock_guard lock(snapshotMutex_);
                        snapshot_ = std::make_shared<const Configuration>(now.state->configuration());
                    }
                    if (!snapshotPending_.exchange(true)) emit snapshotAvailable();
                }
                std::unique_lock lock(pauseMutex_); // Pause holds the run here, between sweeps
                pauseCv_.wait(lock, [this] { return !paused_.load() || stop_.load(); });
            }, &stop_);
            glass->inherentStructure = glass->result.configuration;
            if (!glass->result.stopped) {
                PairPotential surface(model, glass->inherentStructure);
                MinimizerOptions q;
                q.forceTolerance = 1e-8;
                q.stop = &stop_;
                glass->quench = minimize(surface, glass->inherentStructure.positions, MinimizerKind::Lbfgs, q);
            }
        } catch (const std::exception& e) {
            message = QString::fromUtf8(e.what());
        }
        glass->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        running_ = false;
        emit finished(message.isEmpty() ? std::shared_ptr<const PreparedGlass>(glass) : nullptr, message);
    });
    return true;
}

void PrepareController::pause() { paused_ = true; }

void PrepareController::resume() {
    {
        std::lock_guard lock(pauseMutex_);
        paused_ = false;
    }
    pauseCv_.notify_all();
}

void PrepareController::stop() {
    {
        std::lock_guard lock(pauseMutex_);
        stop_ = true;
    }
    pauseCv_.notify_all();
}

std::shared_ptr<const Configuration> PrepareController::takeSnapshot() {
    std::lock_guard lock(snapshotMutex_);
    snapshotPending_ = false;
    return std::exchange(snapshot_, nullptr);
}

void PrepareController::wait() {
    if (thread_.joinable()) thread_.join();
}

} // namespace tlscope::ui
