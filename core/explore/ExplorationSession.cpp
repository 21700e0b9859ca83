#include "core/explore/ExplorationSession.h"

#include "core/common/Error.h"
#include "core/io/SessionFile.h"
#include "core/io/WalkCheckpoint.h"
#include "core/tls/Displacement.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

namespace tlscope {

namespace {

/// The first line where two parameter texts differ (for "not the same exploration" messages).
std::string firstDifference(const std::string& a, const std::string& b) {
    std::istringstream x(a), y(b);
    std::string l, m;
    while (true) {
        const bool more1 = static_cast<bool>(std::getline(x, l)), more2 = static_cast<bool>(std::getline(y, m));
        if (!more1 && !more2) return "";
        if (!more1) l = "(nothing)";
        if (!more2) m = "(nothing)";
        if (l != m) return "the file has '" + l + "', this run '" + m + "'";
    }
}

/// A fingerprint of the glass (species and positions), so a checkpoint is never continued on
/// another glass that happens to share the file name.
std::string glassFingerprint(const Configuration& c) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t k = 0; k < n; ++k) h = (h ^ b[k]) * 0x100000001b3ull;
    };
    mix(c.positions.data(), static_cast<std::size_t>(c.positions.size()) * sizeof(double));
    mix(c.species.data(), c.species.size() * sizeof(int));
    char text[32];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
    return text;
}

} // namespace

ExplorationSessionResult exploreToSession(const Configuration& glass, const ExploreParameters& p, const std::string& out,
                                          const ExplorationSessionOptions& o, const ExplorationSessionHooks& userHooks) {
    p.validate();
    ExplorationSessionResult res;
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    auto say = [&](const std::string& m) {
        if (userHooks.message) userHooks.message(m);
    };
    const int n = glass.size();
    res.particles = n;
    const std::string identity = p.serialize() + "particles = " + std::to_string(n) + "\nglass = " + glassFingerprint(glass) + "\n";
    const std::string checkpointPath = walkCheckpointPath(out);

    SearchParameters sp;
    sp.model = p.model;
    sp.particles = n;
    sp.seed = p.walk.seed;
    sp.starts = 1;
    sp.attempts = static_cast<int>(std::min<long>(p.walk.steps / p.walk.quenchEvery, 10'000'000));
    sp.inputFile = o.inputPath.empty() ? std::string() : std::filesystem::absolute(o.inputPath).string();
    sp.saddleMethod = p.saddleMethod;
    sp.ircStep = p.ircStep;
    sp.minimumBarrier = p.minimumBarrier;
    sp.tlsThresholdKelvin = p.model.units.toKelvin(p.model.tlsThreshold);
    SessionLock lock(out);

    // Where this run continues from (a resumed run rewrites the session with what was done,
    // through a temporary file: the original stays intact until the copy is complete).
    ExploreResume from;
    bool walkInFile = false;
    std::unique_ptr<SessionWriter> writer;
    if (o.resume && std::filesystem::exists(out)) {
        const SessionData earlier = readSession(out);
        if (!earlier.exploration) throw InputError(out + ": not an exploration session; cannot continue it as one");
        if (earlier.exploration->parameters != p.serialize())
            throw InputError(out + ": was written with other settings (" + firstDifference(earlier.exploration->parameters, p.serialize()) +
                             "); resume with the same settings or choose another file");
        if (earlier.parameters.particles != n) throw InputError(out + ": holds a glass of another size");
        if (earlier.complete()) {
            res.alreadyComplete = true;
            const auto& e = *earlier.exploration;
            res.quenches = e.walk.sequence.size(), res.distinct = e.walk.minima.size(), res.transitions = e.walk.transitions.size();
            res.pairs = e.pairs.size();
            for (const DwpRecord& r : earlier.doubleWells) ++res.dwps, res.tls += r.dwp.isTls ? 1 : 0;
            res.rejected = static_cast<int>(res.pairs) - res.dwps;
            say(out + " is complete; nothing to do");
            return res;
        }
        const std::string tmp = out + ".resume-tmp";
        try {
            writer = std::make_unique<SessionWriter>(tmp, sp, p.serialize());
            if (earlier.exploration->walkComplete) {
                from.finishedWalk = earlier.exploration->walk;
                from.analysed = earlier.exploration->pairs;
                writer->writeExploration(*from.finishedWalk);
                walkInFile = true;
                // DWP rows of pairs whose analysis row made it into the file; the rest are redone.
                for (std::size_t k = 0; k < earlier.doubleWells.size(); ++k) {
                    const DwpRecord& r = earlier.doubleWells[k];
                    if (r.minimum < 0 || static_cast<std::size_t>(r.minimum) >= from.analysed.size() || k >= earlier.exploration->dwpPairs.size())
                        continue;
                    PairAnalysis& a = from.analysed[static_cast<std::size_t>(r.minimum)];
                    if (!a.accepted) continue;
                    a.dwp = r.dwp;
                    writer->onExplorationDoubleWell(r, earlier.exploration->dwpPairs[k].first, earlier.exploration->dwpPairs[k].second);
                }
                for (const PairAnalysis& a : from.analysed) writer->onExplorationPair(a);
                say("resuming " + out + ": walk done (" + std::to_string(from.finishedWalk->sequence.size()) + " quenches), " +
                    std::to_string(from.analysed.size()) + " of its pairs analysed");
            } else if (std::filesystem::exists(checkpointPath)) {
                from.walk = readWalkCheckpoint(checkpointPath, identity, glass.positions.size());
                say("resuming " + out + ": the walk from its checkpoint at step " + std::to_string(from.walk->step) + " (" +
                    std::to_string(from.walk->walk.sequence.size()) + " quenches, " + std::to_string(from.walk->walk.minima.size()) +
                    " distinct IS)");
            } else {
                say("resuming " + out + ": the walk had no checkpoint yet; it starts again");
            }
        } catch (const InputError& e) {
            writer.reset();
            std::error_code ec;
            std::filesystem::remove(tmp, ec);
            throw InputError(out + ": cannot resume (" + e.what() + "); the file is unchanged");
        }
        std::error_code ec;
        std::filesystem::rename(tmp, out, ec);
        if (ec) throw InputError(out + ": cannot replace the session file for resuming: " + ec.message());
    } else {
        std::error_code ec;
        std::filesystem::remove(checkpointPath, ec); // a stale checkpoint of an overwritten run
        writer = std::make_unique<SessionWriter>(out, sp, p.serialize());
    }

    double lastCheckpoint = elapsed();
    ExploreHooks hooks;
    hooks.walk = userHooks.walk;
    hooks.walk.stop = o.stop;
    hooks.walk.boundary = [&](const MetabasinWalk& w, const MdState& md, const RandomStream::State& rng) {
        if (o.checkpointEvery > 0 && elapsed() - lastCheckpoint >= o.checkpointEvery) {
            lastCheckpoint = elapsed();
            WalkCheckpoint cp;
            cp.walk = w, cp.md = md, cp.random = rng, cp.step = md.step;
            writeWalkCheckpoint(checkpointPath, cp, identity);
        }
        if (userHooks.walk.boundary) userHooks.walk.boundary(w, md, rng);
    };
    StartingStructure is;
    const Eigen::VectorXd mass = relativeMasses(p.model, glass.species);
    const MetabasinWalk* walk = nullptr;
    hooks.walked = [&](const MetabasinWalk& w) {
        walk = &w;
        if (!walkInFile) writer->writeExploration(w);
        std::error_code ec;
        std::filesystem::remove(checkpointPath, ec); // the walk is in the session now
        is.start = 0, is.energy = w.minima[0].energy, is.boxLength = glass.boxLength;
        is.species = glass.species, is.diameters = glass.diameters, is.positions = w.minima[0].positions;
        writer->onStartingStructure(is);
        if (userHooks.walked) userHooks.walked(w, candidatePairs(w, p.pairAsymmetry).size());
    };
    hooks.analysed = [&](const PairAnalysis& pa, std::size_t index, std::size_t total) {
        DwpRecord rec;
        if (pa.accepted) {
            rec.start = 0;
            rec.minimum = static_cast<int>(index);
            // "found": how often the walk crossed between the two IS (both directions).
            if (walk)
                for (const auto& key : {std::make_pair(pa.first, pa.second), std::make_pair(pa.second, pa.first)})
                    if (auto it = walk->transitions.find(key); it != walk->transitions.end()) rec.findCount += it->second;
            rec.startEnergy = is.energy;
            rec.species = glass.species;
            rec.diameters = glass.diameters;
            rec.dwp = pa.dwp;
            writer->onExplorationDoubleWell(rec, pa.first, pa.second);
        }
        writer->onExplorationPair(pa); // after the DWP: this row marks the analysis done
        if (userHooks.analysed) userHooks.analysed(pa, index, total, pa.accepted ? &rec : nullptr);
    };
    const ExplorationResult r = exploreGlass(glass, p, hooks, &from);
    res.quenches = r.walk.sequence.size(), res.distinct = r.walk.minima.size(), res.transitions = r.walk.transitions.size();
    res.pairs = r.pairs.size(), res.dwps = r.doubleWells(), res.tls = r.tls();
    res.rejected = static_cast<int>(std::count_if(r.pairs.begin(), r.pairs.end(), [](const PairAnalysis& a) { return !a.accepted && a.first >= 0; }));
    if (r.stopped) {
        res.stopped = true;
        writer->close();
        return res;
    }
    // The distinct IS (but the glass's own) as the start's minima: energy, distance from IS 0.
    std::vector<FoundMinimum> minima;
    for (std::size_t k = 1; k < r.walk.minima.size(); ++k) {
        const VisitedMinimum& v = r.walk.minima[k];
        FoundMinimum m;
        m.start = 0, m.id = static_cast<int>(k), m.firstAttempt = static_cast<int>(v.firstStep / p.walk.quenchEvery);
        m.findCount = v.visits, m.energy = v.energy;
        m.d = distance(r.walk.minima[0].positions, v.positions, glass.boxLength, mass);
        m.dMassWeighted = massWeightedDistance(r.walk.minima[0].positions, v.positions, glass.boxLength, mass);
        m.asymmetry = std::abs(v.energy - r.walk.minima[0].energy);
        m.positions = v.positions;
        minima.push_back(std::move(m));
    }
    StartSummary s;
    s.start = 0, s.energy = r.walk.minima[0].energy, s.attempts = static_cast<int>(r.walk.sequence.size()) - 1;
    s.returnedToStart = r.walk.minima[0].visits - 1, s.failedMinimizations = r.walk.failedQuenches;
    s.minima = static_cast<int>(minima.size()), s.doubleWells = res.dwps, s.rejected = res.rejected;
    writer->onStartCompleted(s, minima);
    writer->close();
    return res;
}

} // namespace tlscope
