#include "core/dynamics/SwapMonteCarlo.h"

#include "core/common/Error.h"
#include "core/dynamics/Preparation.h"
#include "core/dynamics/Relaxation.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace tlscope {

std::vector<std::pair<int, int>> parseSwapPairs(const std::string& text, const Model& model) {
    std::vector<std::pair<int, int>> pairs;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        const auto dash = item.find('-');
        auto trim = [](std::string s) {
            const auto a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
            return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
        };
        if (dash == std::string::npos) throw InputError("swap pair '" + trim(item) + "': expected two species names like A-C");
        const std::string a = trim(item.substr(0, dash)), b = trim(item.substr(dash + 1));
        const int ia = model.speciesIndex(a), ib = model.speciesIndex(b);
        if (ia < 0 || ib < 0)
            throw InputError("swap pair '" + a + "-" + b + "': model '" + model.name + "' has no species " + (ia < 0 ? a : b));
        if (ia == ib) throw InputError("swap pair '" + a + "-" + b + "': a swap needs two different species");
        pairs.emplace_back(std::min(ia, ib), std::max(ia, ib));
    }
    return pairs;
}

SwapMonteCarlo::SwapMonteCarlo(const Model& model, const Configuration& start, RandomStream rng)
    : model_(model), species_count_(model.speciesCount()), box_(start.boxLength), species_(start.species),
      soft_(model.perParticleDiameters()), rng_(rng) {
    model_.validate();
    model_.requireOneCopy("swap Monte Carlo");
    start.validateAgainst(model_, "swap Monte Carlo start");
    if (soft_) {
        diameters_ = start.diameters;
        softPair_ = SoftSpherePair::make(model_.softSphere);
    }
    table_.resize(static_cast<std::size_t>(species_count_ * species_count_));
    for (int a = 0; a < species_count_; ++a)
        for (int b = 0; b < species_count_; ++b)
            table_[static_cast<std::size_t>(a * species_count_ + b)] = LjPair::make(model_.pair(a, b), model_.cutoffMode);
    const int n = start.size();
    x_.resize(static_cast<std::size_t>(n));
    travel_.assign(static_cast<std::size_t>(n), Eigen::Vector3d::Zero());
    for (int i = 0; i < n; ++i) {
        Eigen::Vector3d p = start.position(i);
        for (int k = 0; k < 3; ++k) p[k] -= box_ * std::floor(p[k] / box_);
        x_[static_cast<std::size_t>(i)] = p;
    }
    maxCutoff_ = model_.maxCutoff(diameters_);
    buildLists();
    recomputeEnergy();
}

int SwapMonteCarlo::cellOf(const Eigen::Vector3d& x) const {
    if (!cells_) return 0;
    int c[3];
    for (int k = 0; k < 3; ++k) c[k] = std::clamp(static_cast<int>(x[k] / box_ * cells_), 0, cells_ - 1);
    return (c[0] * cells_ + c[1]) * cells_ + c[2];
}

void SwapMonteCarlo::buildLists() {
    const int n = static_cast<int>(x_.size());
    const double radius = maxCutoff_ + skin_, radius2 = radius * radius, L = box_, invL = 1.0 / L;
    // Cells of at least half the list radius with a 5 x 5 x 5 stencil (fewer candidates than
    // whole-radius cells with 3 x 3 x 3); each stencil must hold distinct cells, or a neighbour
    // would count twice. Boxes under five such cells wide take every particle as a candidate.
    const int half = static_cast<int>(std::floor(2.0 * box_ / radius));
    cells_ = half >= 5 ? half : 0;
    const int cellCount = cells_ ? cells_ * cells_ * cells_ : 1;
    std::vector<int> head(static_cast<std::size_t>(cellCount), -1), next(static_cast<std::size_t>(n), -1);
    for (int i = n - 1; i >= 0; --i) {
        const int c = cellOf(x_[static_cast<std::size_t>(i)]);
        next[static_cast<std::size_t>(i)] = head[static_cast<std::size_t>(c)];
        head[static_cast<std::size_t>(c)] = i;
    }
    listStart_.assign(static_cast<std::size_t>(n + 1), 0);
    list_.clear();
    std::vector<int> row;
    for (int i = 0; i < n; ++i) {
        row.clear();
        const Eigen::Vector3d& xi = x_[static_cast<std::size_t>(i)];
        auto consider = [&](int j) {
            if (j == i) return;
            const Eigen::Vector3d& y = x_[static_cast<std::size_t>(j)];
            double r2 = 0.0;
            for (int k = 0; k < 3; ++k) {
                const double d = minimumImage(xi[k] - y[k], L, invL);
                r2 += d * d;
            }
            if (r2 < radius2) row.push_back(j);
        };
        if (!cells_) {
            for (int j = 0; j < n; ++j) consider(j);
        } else {
            const int c = cellOf(xi), cx = c / (cells_ * cells_), cy = (c / cells_) % cells_, cz = c % cells_;
            for (int dx = -kReach; dx <= kReach; ++dx)
                for (int dy = -kReach; dy <= kReach; ++dy)
                    for (int dz = -kReach; dz <= kReach; ++dz) {
                        const int cell = (((cx + dx + cells_) % cells_) * cells_ + (cy + dy + cells_) % cells_) * cells_ +
                                         (cz + dz + cells_) % cells_;
                        for (int j = head[static_cast<std::size_t>(cell)]; j >= 0; j = next[static_cast<std::size_t>(j)]) consider(j);
                    }
        }
        std::sort(row.begin(), row.end());
        list_.insert(list_.end(), row.begin(), row.end());
        listStart_[static_cast<std::size_t>(i + 1)] = static_cast<int>(list_.size());
    }
    travelAtBuild_ = travel_;
    ++builds_;
}

void SwapMonteCarlo::ensureSkin(double maxDisplacement) {
    // One translation moves a particle by at most sqrt(3) d: half the skin must hold that.
    const double needed = 4.0 * std::sqrt(3.0) * maxDisplacement;
    if (skin_ >= needed) return;
    skin_ = needed;
    buildLists();
}

double SwapMonteCarlo::particleEnergy(int i, int s, double diameter, const Eigen::Vector3d& x, int exclude) const {
    const double L = box_, invL = 1.0 / L;
    // The list of i holds every particle within the cutoff of any position within half the
    // skin of where i was at the last build (move() keeps trials there).
    const int* begin = list_.data() + listStart_[static_cast<std::size_t>(i)];
    const int* end = list_.data() + listStart_[static_cast<std::size_t>(i) + 1];
    auto sum = [&](auto&& pair) {
        double e = 0.0;
        for (const int* p = begin; p != end; ++p) {
            const int j = *p;
            if (j == exclude) continue;
            const Eigen::Vector3d& y = x_[static_cast<std::size_t>(j)];
            double r2 = 0.0;
            for (int k = 0; k < 3; ++k) {
                const double d = minimumImage(x[k] - y[k], L, invL);
                r2 += d * d;
            }
            e += pair(j, r2);
        }
        return e;
    };
    if (soft_)
        return sum([&](int j, double r2) { return softPair_.energy(r2, softPair_.sigma(diameter, diameters_[static_cast<std::size_t>(j)])); });
    const LjPair* row = table_.data() + static_cast<std::size_t>(s * species_count_);
    return sum([&](int j, double r2) { return row[species_[static_cast<std::size_t>(j)]].energy(r2); });
}

bool SwapMonteCarlo::move(const SwapMcParameters& p, SwapMcStatistics& stats) {
    const int n = static_cast<int>(species_.size());
    const double beta = 1.0 / p.temperature;
    auto metropolis = [&](double dE) { return dE <= 0.0 || rng_.uniform() < std::exp(-beta * dE); };
    if (n >= 2 && rng_.uniform() < p.swapProbability) {
        const int i = static_cast<int>(rng_.below(static_cast<std::uint64_t>(n)));
        int j = static_cast<int>(rng_.below(static_cast<std::uint64_t>(n - 1)));
        if (j >= i) ++j;
        if (soft_) {
            const auto ui = static_cast<std::size_t>(i), uj = static_cast<std::size_t>(j);
            const double di = diameters_[ui], dj = diameters_[uj];
            if (di == dj) {
                ++stats.swapsSameSpecies;
                return false;
            }
            if (std::abs(di - dj) > model_.softSphere.maxSwapDifference) {
                ++stats.swapsForbidden;
                return false;
            }
            ++stats.swaps;
            // As for species: the i-j pair itself keeps its sigma_ij (symmetric in the diameters).
            const double before = particleEnergy(i, 0, di, x_[ui], j) + particleEnergy(j, 0, dj, x_[uj], i);
            const double after = particleEnergy(i, 0, dj, x_[ui], j) + particleEnergy(j, 0, di, x_[uj], i);
            if (!metropolis(after - before)) return false;
            std::swap(diameters_[ui], diameters_[uj]);
            energy_ += after - before;
            ++stats.swapsAccepted;
            return true;
        }
        const int si = species_[static_cast<std::size_t>(i)], sj = species_[static_cast<std::size_t>(j)];
        if (si == sj) {
            ++stats.swapsSameSpecies;
            return false;
        }
        if (!p.allowedSwaps.empty() &&
            std::find(p.allowedSwaps.begin(), p.allowedSwaps.end(), std::make_pair(std::min(si, sj), std::max(si, sj))) ==
                p.allowedSwaps.end()) {
            ++stats.swapsForbidden;
            return false;
        }
        ++stats.swaps;
        // The i-j pair itself is the same before and after (the table is symmetric): leave it out.
        const Eigen::Vector3d &xi = x_[static_cast<std::size_t>(i)], &xj = x_[static_cast<std::size_t>(j)];
        const double before = particleEnergy(i, si, xi, j) + particleEnergy(j, sj, xj, i);
        const double after = particleEnergy(i, sj, xi, j) + particleEnergy(j, si, xj, i);
        if (!metropolis(after - before)) return false;
        std::swap(species_[static_cast<std::size_t>(i)], species_[static_cast<std::size_t>(j)]);
        energy_ += after - before;
        ++stats.swapsAccepted;
        return true;
    }
    ensureSkin(p.maxDisplacement); // move() may be called without sweep()
    const int i = static_cast<int>(rng_.below(static_cast<std::uint64_t>(n)));
    const auto ui = static_cast<std::size_t>(i);
    Eigen::Vector3d trial = x_[ui], step;
    for (int k = 0; k < 3; ++k) {
        step[k] = p.maxDisplacement * (2.0 * rng_.uniform() - 1.0);
        trial[k] += step[k];
        trial[k] -= box_ * std::floor(trial[k] / box_);
    }
    ++stats.translations;
    // The trial must stay within half the skin of where the list was built, or the list may miss
    // a pair: rebuild first (the step is at most half the skin: ensureSkin).
    if ((travel_[ui] + step - travelAtBuild_[ui]).squaredNorm() > 0.25 * skin_ * skin_) buildLists();
    const int s = species_[ui];
    const double dE = particleEnergy(i, s, trial) - particleEnergy(i, s, x_[ui]);
    if (!metropolis(dE)) return false;
    x_[ui] = trial;
    travel_[ui] += step;
    energy_ += dE;
    ++stats.translationsAccepted;
    return true;
}

void SwapMonteCarlo::sweep(const SwapMcParameters& p, SwapMcStatistics& stats) {
    if (!(p.temperature > 0.0) || !std::isfinite(p.temperature)) throw InputError("swap Monte Carlo needs a temperature > 0");
    if (!(p.swapProbability >= 0.0 && p.swapProbability <= 1.0)) throw InputError("--p-swap must be in [0, 1]");
    if (!(p.maxDisplacement > 0.0) || !(p.maxDisplacement < 0.5 * box_)) throw InputError("the displacement must be in (0, L/2)");
    for (std::size_t k = 0; k < species_.size(); ++k) move(p, stats);
}

void SwapMonteCarlo::restore(const RandomStream::State& rng, double runningEnergy, const std::vector<Eigen::Vector3d>& travelled) {
    if (travelled.size() != x_.size()) throw InputError("checkpoint: " + std::to_string(travelled.size()) + " travelled displacements for " + std::to_string(x_.size()) + " particles");
    rng_.setState(rng);
    energy_ = runningEnergy;
    travel_ = travelled;
    buildLists(); // the build reference is the restored travel
}

double SwapMonteCarlo::recomputeEnergy() {
    double e = 0.0;
    for (int i = 0; i < static_cast<int>(species_.size()); ++i)
        e += particleEnergy(i, species_[static_cast<std::size_t>(i)], x_[static_cast<std::size_t>(i)]);
    e *= 0.5;
    const double drift = energy_ - e;
    energy_ = e;
    return drift;
}

Configuration SwapMonteCarlo::configuration() const {
    Configuration c;
    c.boxLength = box_;
    c.species = species_;
    c.diameters = diameters_;
    c.positions.resize(3 * static_cast<Eigen::Index>(x_.size()));
    for (std::size_t i = 0; i < x_.size(); ++i) c.positions.segment<3>(3 * static_cast<Eigen::Index>(i)) = x_[i];
    return c;
}

SwapPreparationResult prepareSwapGlass(const Model& model, int n, const SwapPreparationParameters& p, std::uint64_t seed,
                                       const std::function<void(const SwapPreparationProgress&)>& progress,
                                       const std::atomic<bool>* stop, const SwapCheckpointing& checkpoints) {
    if (n < 2) throw InputError("prepare: --n must be at least 2");
    if (!(p.finalTemperature > 0.0) || !(p.startTemperature > 0.0) || !std::isfinite(p.startTemperature) ||
        !std::isfinite(p.finalTemperature))
        throw InputError("prepare: temperatures must be finite and > 0");
    if (p.coolingSweeps < 0 || p.sweeps < 0) throw InputError("prepare: sweep counts must be >= 0");
    if (!(p.targetAcceptance > 0.0 && p.targetAcceptance < 1.0)) throw InputError("prepare: the target acceptance must be in (0, 1)");
    checkCutoffFitsBox(model, model.boxLengthFor(n));
    model.validate();
    const SwapCheckpoint* resume = checkpoints.resumeFrom;
    const long total = p.coolingSweeps + p.sweeps;
    if (resume && (resume->configuration.size() != n || resume->sweep < 0 || resume->sweep > total ||
                   std::abs(resume->configuration.boxLength - model.boxLengthFor(n)) > 1e-9 * model.boxLengthFor(n)))
        throw InputError("the checkpoint does not belong to this preparation (N, box or sweep count differ)");
    RandomStream rng(seed, 0);
    const Configuration start = resume ? resume->configuration : randomLatticeStart(model, n, rng);
    SwapMonteCarlo mc(model, start, RandomStream(seed, 1));
    SwapPreparationResult r;
    SwapMcParameters mp;
    mp.swapProbability = p.swapProbability;
    mp.maxDisplacement = p.maxDisplacement;
    mp.allowedSwaps = p.allowedSwaps;
    auto log = [&](long sweep) {
        if (p.logEvery > 0 && sweep % p.logEvery == 0) r.energyPerParticle.emplace_back(sweep, mc.energy() / n);
    };
    std::vector<Eigen::Vector3d> atProduction = mc.travelled();
    long first = 0;
    if (resume) {
        mc.restore(resume->rng, resume->energy, resume->travelled);
        mp.maxDisplacement = resume->maxDisplacement;
        atProduction = resume->atProduction.size() == static_cast<std::size_t>(n) ? resume->atProduction : mc.travelled();
        r.cooling = resume->cooling;
        r.production = resume->production;
        r.energyPerParticle = resume->energyPerParticle;
        first = resume->sweep;
    }
    for (long s = first; s < total; ++s) {
        if (s == p.coolingSweeps) atProduction = mc.travelled();
        if (stop && stop->load(std::memory_order_relaxed)) {
            r.stopped = true;
            break;
        }
        const bool cooling = s < p.coolingSweeps;
        mp.temperature = cooling ? p.startTemperature + (p.finalTemperature - p.startTemperature) * double(s) / double(p.coolingSweeps)
                                 : p.finalTemperature;
        SwapMcStatistics& stats = cooling ? r.cooling : r.production;
        const long before = stats.translations, acceptedBefore = stats.translationsAccepted;
        mc.sweep(mp, stats);
        if (cooling && p.tune && stats.translations > before) {
            // Nudge the step towards the target acceptance (cooling only: production keeps it).
            const double acc = double(stats.translationsAccepted - acceptedBefore) / double(stats.translations - before);
            mp.maxDisplacement = std::clamp(mp.maxDisplacement * (acc > p.targetAcceptance ? 1.05 : 0.95), 1e-3,
                                            0.25 * model.boxLengthFor(n));
        }
        log(s + 1);
        if (checkpoints.write && checkpoints.every > 0 && (s + 1) % checkpoints.every == 0 && s + 1 < total) {
            SwapCheckpoint cp;
            cp.sweep = s + 1;
            cp.maxDisplacement = mp.maxDisplacement;
            cp.rng = mc.randomState();
            cp.energy = mc.energy();
            cp.configuration = mc.configuration();
            cp.travelled = mc.travelled();
            cp.atProduction = atProduction;
            cp.cooling = r.cooling;
            cp.production = r.production;
            cp.energyPerParticle = r.energyPerParticle;
            checkpoints.write(cp);
        }
        if (progress && (s % 16 == 15 || s + 1 == total)) {
            SwapPreparationProgress now;
            now.sweep = s + 1;
            now.totalSweeps = total;
            now.temperature = mp.temperature;
            now.energyPerParticle = mc.energy() / n;
            now.translationAcceptance = stats.translationAcceptance();
            now.swapAcceptance = stats.swapAcceptance();
            now.production = !cooling;
            now.state = &mc;
            progress(now);
        }
    }
    if (p.sweeps > 0 && !r.stopped) {
        // The same measure as `generate` reports for MD (core/dynamics/Relaxation), over every
        // particle: the travelled displacements are unwrapped positions relative to the start.
        auto flat = [n](const std::vector<Eigen::Vector3d>& v) {
            Eigen::VectorXd x(3 * n);
            for (int i = 0; i < n; ++i) x.segment<3>(3 * i) = v[static_cast<std::size_t>(i)];
            return x;
        };
        RelaxationMonitor relaxation(flat(atProduction), std::vector<int>(static_cast<std::size_t>(n), 0), 0,
                                     p.relaxationWavenumber);
        relaxation.sample(double(p.sweeps), flat(mc.travelled()));
        r.productionMsd = relaxation.curve().msd.back();
        r.productionFs = relaxation.curve().fs.back();
    }
    r.energyDrift = mc.recomputeEnergy();
    r.energy = mc.energy();
    r.displacement = mp.maxDisplacement;
    r.configuration = mc.configuration();
    return r;
}

} // namespace tlscope
