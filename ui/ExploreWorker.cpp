#include "ui/ExploreWorker.h"

#include "core/common/Error.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace tlscope::ui {

namespace {
PairMark markOf(const PairAnalysis& a, int candidate) {
    PairMark m;
    m.first = a.first, m.second = a.second, m.candidate = candidate, m.analysed = true, m.accepted = a.accepted;
    m.reason = a.reason;
    if (a.accepted) {
        m.tls = a.dwp.isTls;
        m.eqs = a.dwp.quantum.splitting, m.asymmetry = a.dwp.asymmetry, m.barrier = a.dwp.barrier;
    }
    return m;
}
} // namespace

MetabasinData MetabasinData::fromWalk(const MetabasinWalk& w, double timeStep) {
    MetabasinData d;
    d.timeStep = timeStep;
    for (const VisitedMinimum& m : w.minima) {
        d.energy.push_back(m.energy);
        d.visits.push_back(m.visits);
        d.firstStep.push_back(m.firstStep);
        d.positions.push_back(std::make_shared<const Eigen::VectorXd>(m.positions));
    }
    d.transitions = w.transitions;
    d.current = w.sequence.empty() ? -1 : w.sequence.back();
    return d;
}

MetabasinData MetabasinData::fromSession(const SessionData& s) {
    if (!s.exploration) throw InputError(s.path + ": not an exploration session");
    double dt = 0.01;
    const std::string& text = s.exploration->parameters;
    if (const auto at = text.find("time_step = "); at != std::string::npos) {
        try {
            dt = std::stod(text.substr(at + 12));
        } catch (const std::exception&) {
        }
    }
    MetabasinData d = fromWalk(s.exploration->walk, dt);
    d.current = -1;
    // DWP numbers by candidate index (= the record's `minimum`).
    std::map<int, const DwpRecord*> dwpOf;
    for (const DwpRecord& r : s.doubleWells) dwpOf[r.minimum] = &r;
    if (!s.exploration->pairs.empty()) {
        for (std::size_t k = 0; k < s.exploration->pairs.size(); ++k) {
            PairAnalysis a = s.exploration->pairs[k];
            if (auto it = dwpOf.find(static_cast<int>(k)); it != dwpOf.end()) a.dwp = it->second->dwp;
            d.pairs.push_back(markOf(a, static_cast<int>(k)));
        }
    } else { // sessions before the pairs table: the DWPs only
        for (std::size_t k = 0; k < s.doubleWells.size() && k < s.exploration->dwpPairs.size(); ++k) {
            PairAnalysis a;
            a.first = s.exploration->dwpPairs[k].first, a.second = s.exploration->dwpPairs[k].second;
            a.accepted = true, a.dwp = s.doubleWells[k].dwp;
            d.pairs.push_back(markOf(a, s.doubleWells[k].minimum));
        }
    }
    return d;
}

ExploreController::ExploreController(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<const DwpRecord>>();
}

ExploreController::~ExploreController() {
    stop();
    wait();
}

bool ExploreController::start(const Configuration& glass, const ExploreParameters& p, const QString& sessionPath,
                              const QString& inputPath, bool resume, QString* error) {
    if (running_.load()) {
        if (error) *error = tr("an exploration is already running");
        return false;
    }
    wait();
    try {
        p.validate();
        glass.validateAgainst(p.model, "exploration glass");
        if (sessionPath.isEmpty()) throw InputError("no session file was given");
    } catch (const std::exception& e) {
        if (error) *error = QString::fromUtf8(e.what());
        return false;
    }
    stop_ = false;
    running_ = true;
    {
        std::lock_guard lock(mutex_);
        points_.clear();
        map_ = std::make_shared<MetabasinData>();
        map_->timeStep = p.walk.timeStep;
        published_.reset();
        current_.reset(), reference_.reset();
    }
    thread_ = std::thread([this, glass, p, path = sessionPath.toStdString(), input = inputPath.toStdString(), resume] {
        QString failure;
        bool stopped = false;
        const long quenches = p.walk.steps / p.walk.quenchEvery;
        auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
        try {
            ExplorationSessionOptions o;
            o.inputPath = input;
            o.resume = resume;
            o.stop = &stop_;
            ExplorationSessionHooks h;
            h.message = [this](const std::string& m) { emit message(QString::fromStdString(m)); };
            h.walk.quenched = [&, this](std::size_t quench, int is, bool isNew, const MetabasinWalk& w) {
                std::lock_guard lock(mutex_);
                MetabasinData& d = *map_;
                // Bring the map up to date (a resumed walk arrives with its earlier IS).
                for (std::size_t k = d.energy.size(); k < w.minima.size(); ++k) {
                    d.energy.push_back(w.minima[k].energy);
                    d.visits.push_back(0);
                    d.firstStep.push_back(w.minima[k].firstStep);
                    d.positions.push_back(std::make_shared<const Eigen::VectorXd>(w.minima[k].positions));
                }
                for (std::size_t k = 0; k < w.minima.size(); ++k) d.visits[k] = w.minima[k].visits;
                d.transitions = w.transitions;
                d.current = is;
                if (!reference_) reference_ = d.positions.front();
                current_ = d.positions[static_cast<std::size_t>(is)];
                QuenchPoint q;
                q.time = double(w.sequenceStep.back()) * p.walk.timeStep;
                q.mdEnergy = std::numeric_limits<double>::quiet_NaN(); // set at the boundary
                q.isEnergy = w.minima[static_cast<std::size_t>(is)].energy;
                q.minimum = is, q.isNew = isNew;
                points_.push_back(q);
                if (!pointsPending_.exchange(true)) emit pointsAvailable();
                const auto now = std::chrono::steady_clock::now();
                if (now - last > std::chrono::milliseconds(100) || quench + 1 >= static_cast<std::size_t>(quenches)) {
                    last = now;
                    published_ = std::make_shared<const MetabasinData>(d);
                    if (!mapPending_.exchange(true)) emit mapAvailable();
                    if (!snapshotPending_.exchange(true)) emit snapshotAvailable();
                    emit walkProgress(static_cast<int>(quench), static_cast<int>(quenches), static_cast<int>(w.minima.size()),
                                      static_cast<int>(w.transitions.size()));
                }
            };
            h.walk.boundary = [this](const MetabasinWalk&, const MdState& md, const RandomStream::State&) {
                // The MD configuration that was just quenched: its energy joins the last point.
                std::lock_guard lock(mutex_);
                if (!points_.empty() && std::isnan(points_.back().mdEnergy)) points_.back().mdEnergy = md.potentialEnergy;
            };
            int dwps = 0, tls = 0;
            h.walked = [&, this](const MetabasinWalk& w, std::size_t candidates) {
                std::lock_guard lock(mutex_);
                MetabasinData fresh = MetabasinData::fromWalk(w, p.walk.timeStep);
                fresh.positions = map_->positions.size() == w.minima.size() ? map_->positions : fresh.positions;
                const auto cands = candidatePairs(w, p.pairAsymmetry);
                for (std::size_t k = 0; k < cands.size(); ++k) {
                    PairMark m;
                    m.first = cands[k].first, m.second = cands[k].second, m.candidate = static_cast<int>(k);
                    fresh.pairs.push_back(m);
                }
                *map_ = std::move(fresh);
                if (!reference_) reference_ = map_->positions.front();
                published_ = std::make_shared<const MetabasinData>(*map_);
                if (!mapPending_.exchange(true)) emit mapAvailable();
                emit message(tr("walk done: %1 quenches, %2 distinct IS, %3 transitions; %4 pairs to analyse")
                                 .arg(w.sequence.size()).arg(w.minima.size()).arg(w.transitions.size()).arg(candidates));
                emit pairsProgress(0, static_cast<int>(candidates), 0, 0);
            };
            h.analysed = [&, this](const PairAnalysis& a, std::size_t index, std::size_t total, const DwpRecord* dwp) {
                if (dwp) {
                    ++dwps, tls += dwp->dwp.isTls ? 1 : 0;
                    emit doubleWellFound(std::make_shared<const DwpRecord>(*dwp));
                }
                {
                    std::lock_guard lock(mutex_);
                    if (index < map_->pairs.size()) map_->pairs[index] = markOf(a, static_cast<int>(index));
                    published_ = std::make_shared<const MetabasinData>(*map_);
                }
                if (!mapPending_.exchange(true)) emit mapAvailable();
                emit pairsProgress(static_cast<int>(index) + 1, static_cast<int>(total), dwps, tls);
            };
            const ExplorationSessionResult r = exploreToSession(glass, p, path, o, h);
            stopped = r.stopped;
            if (r.alreadyComplete) emit message(tr("%1 is complete; open it to see its results").arg(QString::fromStdString(path)));
        } catch (const std::exception& e) {
            failure = QString::fromUtf8(e.what());
        }
        running_ = false;
        emit finished(stopped, failure);
    });
    return true;
}

void ExploreController::stop() { stop_ = true; }

void ExploreController::wait() {
    if (thread_.joinable()) thread_.join();
}

std::vector<QuenchPoint> ExploreController::takePoints() {
    std::lock_guard lock(mutex_);
    pointsPending_ = false;
    // The newest point's MD energy may not be in yet (NaN): the trace skips it.
    std::vector<QuenchPoint> out = std::move(points_);
    points_.clear();
    return out;
}

std::shared_ptr<const MetabasinData> ExploreController::takeMap() {
    std::lock_guard lock(mutex_);
    mapPending_ = false;
    return std::exchange(published_, nullptr);
}

std::pair<std::shared_ptr<const Eigen::VectorXd>, std::shared_ptr<const Eigen::VectorXd>> ExploreController::takeSnapshot() {
    std::lock_guard lock(mutex_);
    snapshotPending_ = false;
    return {current_, reference_};
}

} // namespace tlscope::ui
