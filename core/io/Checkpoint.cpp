#include "core/io/Checkpoint.h"

#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"

#include <cstdio>
#include <sstream>

namespace tlscope {

namespace {

std::string statsText(const SwapMcStatistics& s) {
    std::ostringstream o;
    o << s.translations << ',' << s.translationsAccepted << ',' << s.swaps << ',' << s.swapsAccepted << ','
      << s.swapsSameSpecies << ',' << s.swapsForbidden;
    return o.str();
}

SwapMcStatistics parseStats(const std::string& text, const std::string& where) {
    SwapMcStatistics s;
    char comma[5];
    std::istringstream in(text);
    in >> s.translations >> comma[0] >> s.translationsAccepted >> comma[1] >> s.swaps >> comma[2] >> s.swapsAccepted >> comma[3] >>
        s.swapsSameSpecies >> comma[4] >> s.swapsForbidden;
    if (!in) throw InputError(where + ": malformed move statistics '" + text + "'");
    return s;
}

} // namespace

void writeSwapCheckpoint(const std::string& path, const SwapCheckpoint& cp, const Model& model,
                         const std::map<std::string, std::string>& identity) {
    const int n = cp.configuration.size();
    XyzWriteOptions o;
    o.energy = cp.energy;
    for (const auto& [k, v] : identity) o.info["checkpoint_" + k] = v;
    std::ostringstream x;
    x.precision(17);
    x << cp.maxDisplacement;
    o.info["sweep"] = std::to_string(cp.sweep);
    o.info["step"] = x.str();
    char rng[80];
    std::snprintf(rng, sizeof rng, "%016llx,%016llx,%016llx,%016llx", static_cast<unsigned long long>(cp.rng[0]),
                  static_cast<unsigned long long>(cp.rng[1]), static_cast<unsigned long long>(cp.rng[2]),
                  static_cast<unsigned long long>(cp.rng[3]));
    o.info["rng"] = rng;
    o.info["cooling_moves"] = statsText(cp.cooling);
    o.info["production_moves"] = statsText(cp.production);
    std::ostringstream log;
    log.precision(17);
    for (const auto& [sweep, e] : cp.energyPerParticle) log << (log.tellp() > 0 ? ";" : "") << sweep << ':' << e;
    o.info["energy_log"] = log.str().empty() ? "-" : log.str();
    auto column = [n](const std::vector<Eigen::Vector3d>& v) {
        Eigen::VectorXd c(3 * n);
        for (int i = 0; i < n; ++i) c.segment<3>(3 * i) = v[static_cast<std::size_t>(i)];
        return c;
    };
    o.extraColumns.push_back({"travelled", 3, column(cp.travelled)});
    o.extraColumns.push_back({"travelled_at_production", 3, column(cp.atProduction)});
    writeXyzFile(path, {cp.configuration}, model, {o});
}

SwapCheckpoint readSwapCheckpoint(const std::string& path, const Model& model, const std::map<std::string, std::string>& identity) {
    const XyzFrame f = readXyzFile(path);
    auto info = [&](const std::string& key) {
        auto it = f.info.find(key);
        if (it == f.info.end()) throw InputError(path + ": not a prepare checkpoint ('" + key + "' missing)");
        return it->second;
    };
    for (const auto& [k, v] : identity) {
        const std::string stored = info("checkpoint_" + k);
        if (stored != v)
            throw InputError(path + ": the checkpoint belongs to another run (" + k + " = " + stored + ", this run has " + v +
                             "); delete it or run with the same settings");
    }
    SwapCheckpoint cp;
    cp.configuration = f.toConfiguration(model, path);
    const int n = cp.configuration.size();
    try {
        cp.sweep = std::stol(info("sweep"));
        cp.maxDisplacement = std::stod(info("step"));
    } catch (const std::logic_error&) {
        throw InputError(path + ": malformed sweep or step");
    }
    if (!f.energy) throw InputError(path + ": the checkpoint has no energy");
    cp.energy = *f.energy;
    unsigned long long s[4];
    if (std::sscanf(info("rng").c_str(), "%16llx,%16llx,%16llx,%16llx", &s[0], &s[1], &s[2], &s[3]) != 4)
        throw InputError(path + ": malformed random generator state");
    for (std::size_t k = 0; k < 4; ++k) cp.rng[k] = s[k];
    cp.cooling = parseStats(info("cooling_moves"), path);
    cp.production = parseStats(info("production_moves"), path);
    const std::string log = info("energy_log");
    if (log != "-") {
        std::istringstream in(log);
        for (std::string item; std::getline(in, item, ';');) {
            const auto colon = item.find(':');
            if (colon == std::string::npos) throw InputError(path + ": malformed energy log entry '" + item + "'");
            try {
                cp.energyPerParticle.emplace_back(std::stol(item.substr(0, colon)), std::stod(item.substr(colon + 1)));
            } catch (const std::logic_error&) {
                throw InputError(path + ": malformed energy log entry '" + item + "'");
            }
        }
    }
    auto vectors = [&](const char* name) {
        auto it = f.realColumns.find(name);
        if (it == f.realColumns.end() || it->second.size() != static_cast<std::size_t>(3 * n))
            throw InputError(path + ": the checkpoint needs a " + name + ":R:3 column");
        std::vector<Eigen::Vector3d> v(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i)
            v[static_cast<std::size_t>(i)] = Eigen::Vector3d(it->second[static_cast<std::size_t>(3 * i)], it->second[static_cast<std::size_t>(3 * i + 1)],
                                                             it->second[static_cast<std::size_t>(3 * i + 2)]);
        return v;
    };
    cp.travelled = vectors("travelled");
    cp.atProduction = vectors("travelled_at_production");
    return cp;
}

} // namespace tlscope
