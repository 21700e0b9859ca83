#include "core/model/Model.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace tlscope {

void Model::setPair(int a, int b, const PairParameters& p) {
    const auto n = static_cast<std::size_t>(speciesCount());
    if (pairs_.size() != n * n) pairs_.assign(n * n, PairParameters{});
    pairs_[index(a, b)] = p;
    pairs_[index(b, a)] = p;
}

int Model::speciesIndex(const std::string& n) const {
    for (int i = 0; i < speciesCount(); ++i)
        if (species[i].name == n) return i;
    return -1;
}

double Model::maxCutoff() const {
    if (interaction == Interaction::SoftSphere) return softSphere.cutoffFactor * softSphere.sigmaMax();
    double rc = 0.0;
    for (const auto& p : pairs_) rc = std::max(rc, p.cutoff);
    return rc;
}

double Model::maxCutoff(const std::vector<double>& diameters) const {
    if (interaction != Interaction::SoftSphere || diameters.empty()) return maxCutoff();
    // sigma_ij <= (sigma_i + sigma_j)/2 <= the largest diameter.
    return softSphere.cutoffFactor * *std::max_element(diameters.begin(), diameters.end());
}

int Model::particlesPerCopy(int n) const {
    if (copies < 1) throw InputError("model '" + name + "': copies must be >= 1");
    if (n % copies != 0)
        throw InputError("model '" + name + "': " + std::to_string(n) + " particles cannot be split into " +
                         std::to_string(copies) + " equal copies");
    return n / copies;
}

void Model::requireOneCopy(const std::string& what) const {
    if (copies != 1)
        throw InputError(what + ": model '" + name + "' has " + std::to_string(copies) +
                         " independent copies; only the DWP search (search) supports copies");
}

std::vector<int> Model::composition(int n) const {
    const int per = particlesPerCopy(n);
    std::vector<int> counts(species.size(), 0);
    int assigned = 0;
    for (std::size_t s = 1; s < species.size(); ++s) {
        counts[s] = static_cast<int>(std::lround(species[s].fraction * per));
        assigned += counts[s];
    }
    if (!species.empty()) counts[0] = per - assigned;
    if (!species.empty() && counts[0] < 0)
        throw InputError("model '" + name + "': species fractions exceed 1 for N=" +
                         std::to_string(per));
    for (int& c : counts) c *= copies;
    return counts;
}

double Model::boxLengthFor(int n) const { return std::cbrt(static_cast<double>(n) / copies / density); }

void Model::validate() const {
    if (species.empty()) throw InputError("model '" + name + "': no species defined");
    double total = 0.0;
    for (const auto& s : species) {
        if (!(s.mass > 0.0) || !std::isfinite(s.mass) || s.mass > 1e6)
            throw InputError("model '" + name + "': species " + s.name + " has mass " +
                             std::to_string(s.mass) + ", expected a finite value in (0, 1e6]");
        if (!(s.fraction >= 0.0 && s.fraction <= 1.0))
            throw InputError("model '" + name + "': species " + s.name +
                             " fraction must be in [0, 1]");
        total += s.fraction;
    }
    if (std::abs(total - 1.0) > 1e-6)
        throw InputError("model '" + name + "': species fractions sum to " +
                         std::to_string(total) + ", expected 1");
    if (!(density > 0.0) || !std::isfinite(density)) throw InputError("model '" + name + "': density must be finite and > 0");
    if (copies < 1 || copies > 64) throw InputError("model '" + name + "': copies must be in [1, 64], got " + std::to_string(copies));
    if (interaction == Interaction::SoftSphere) {
        const auto& ss = softSphere;
        if (species.size() != 1)
            throw InputError("model '" + name + "': soft spheres have one species (diameters are per particle)");
        if (!(ss.epsilon > 0.0 && ss.epsilon <= 1e6)) throw InputError("model '" + name + "': soft-sphere epsilon must be in (0, 1e6]");
        if (!(ss.ratio >= 1.0 && ss.ratio <= 10.0))
            throw InputError("model '" + name + "': soft-sphere diameter ratio must be in [1, 10], got " + std::to_string(ss.ratio));
        if (!(ss.nonAdditivity >= 0.0 && ss.nonAdditivity * (ss.sigmaMax() - ss.sigmaMin()) < 1.0))
            throw InputError("model '" + name + "': soft-sphere non-additivity must be >= 0 and keep every sigma_ij > 0");
        if (!(ss.cutoffFactor > 1.0 && ss.cutoffFactor <= 10.0))
            throw InputError("model '" + name + "': soft-sphere cutoff factor must be in (1, 10]");
        if (!(ss.maxSwapDifference >= 0.0) || !std::isfinite(ss.maxSwapDifference))
            throw InputError("model '" + name + "': soft-sphere max swap difference must be finite and >= 0");
        return;
    }
    const std::size_t n = species.size();
    if (pairs_.size() != n * n) throw InputError("model '" + name + "': pair table incomplete");
    for (int a = 0; a < speciesCount(); ++a)
        for (int b = a; b < speciesCount(); ++b) {
            const auto& p = pair(a, b);
            const std::string label = species[a].name + "-" + species[b].name;
            // Finite and bounded: epsilon = 1e308 overflows every energy to inf.
            const auto ok = [](double x) { return x > 0.0 && x <= 1e6; };
            if (!ok(p.sigma) || !ok(p.epsilon) || !ok(p.cutoff))
                throw InputError("model '" + name + "': pair " + label +
                                 " needs sigma, epsilon and cutoff finite, > 0 and <= 1e6");
            if (p.cutoff < 0.9 * p.sigma)
                throw InputError("model '" + name + "': pair " + label + " cutoff " +
                                 std::to_string(p.cutoff) + " is inside the repulsive core");
        }
}

namespace {

Model kobAndersen(const std::string& name, double massB, bool uniformCutoff, double cutoffFactor,
                  CutoffMode mode) {
    Model m;
    m.name = name;
    m.species = {{"A", 1.0, 0.8}, {"B", massB, 0.2}};
    m.cutoffMode = mode;
    m.density = 1.2;
    const double sAA = 1.0, sAB = 0.8, sBB = 0.88;
    auto rc = [&](double s) { return uniformCutoff ? cutoffFactor * sAA : cutoffFactor * s; };
    m.setPair(0, 0, {sAA, 1.0, rc(sAA)});
    m.setPair(0, 1, {sAB, 1.5, rc(sAB)});
    m.setPair(1, 1, {sBB, 0.5, rc(sBB)});
    return m;
}

/// KA2, the ternary swap-friendly Kob-Andersen mixture (Parmar, Ozawa & Berthier, PRL 125,
/// 085505 (2020); parameters of Coslovich's model database, entry kob_andersen_2): C sits
/// between A and B, so A<->C and C<->B swaps are accepted. LJ truncated and energy-shifted at
/// 2.5 sigma_ab. Composition, masses and density are not in our sources: KA conventions
/// (masses 1, density 1.2), and 60:20:20 (our choice: B keeps its KA share of 20 %, and C is
/// common enough that every particle has swap partners nearby; a model file changes it).
Model kobAndersen2(const std::string& name) {
    Model m;
    m.name = name;
    m.species = {{"A", 1.0, 0.6}, {"B", 1.0, 0.2}, {"C", 1.0, 0.2}};
    m.cutoffMode = CutoffMode::EnergyShifted;
    m.density = 1.2;
    auto set = [&](int a, int b, double sigma, double eps) { m.setPair(a, b, {sigma, eps, 2.5 * sigma}); };
    set(0, 0, 1.0, 1.0);
    set(0, 1, 0.8, 1.5);
    set(0, 2, 0.9, 1.25);
    set(1, 1, 0.88, 0.5);
    set(1, 2, 0.84, 1.0);
    set(2, 2, 0.94, 0.75);
    return m;
}

/// Polydisperse soft spheres of Ninarello, Berthier & Coslovich (PRX 7, 021039 (2017)), as
/// Khomenko et al. (PRL 124, 225901 (2020)) use them: density 1.0, masses 1.
Model softSpheres(const std::string& name) {
    Model m;
    m.name = name;
    m.interaction = Interaction::SoftSphere;
    m.species = {{"S", 1.0, 1.0}};
    m.density = 1.0;
    m.setPair(0, 0, {1.0, m.softSphere.epsilon, m.maxCutoff()}); // not used by the potential
    m.units = {119.8, 3.405, 39.948}; // argon, as PHYSICS.md §1.3 (hbar* = 0.0296)
    m.tlsThreshold = 0.00151;         // Khomenko et al.'s published analysis
    return m;
}

} // namespace

Model Model::preset(const std::string& n) {
    if (n == "ka2") return kobAndersen2(n);
    if (n == "ka2-force-shifted") { // KA2 with force and energy continuous at r_c: smooth quenches (docs/stable-glasses.md)
        Model m = kobAndersen2(n);
        m.cutoffMode = CutoffMode::ForceShifted;
        return m;
    }
    if (n == "soft-spheres") return softSpheres(n);
    if (n == "ka-rh") return kobAndersen(n, 0.5, true, 1.8, CutoffMode::ForceShifted);
    if (n == "ka-rh-perpair") return kobAndersen(n, 0.5, false, 1.8, CutoffMode::ForceShifted);
    if (n == "ka") return kobAndersen(n, 1.0, false, 2.5, CutoffMode::ForceShifted);
    if (n == "ka-energy-shifted")
        return kobAndersen(n, 1.0, false, 2.5, CutoffMode::EnergyShifted);
    std::string list;
    for (const auto& p : presetNames()) list += (list.empty() ? "" : ", ") + p;
    throw InputError("unknown model '" + n + "' (presets: " + list + ", or a model file path)");
}

std::vector<std::string> Model::presetNames() {
    return {"ka-rh", "ka-rh-perpair", "ka", "ka-energy-shifted", "ka2", "ka2-force-shifted", "soft-spheres"};
}

Model Model::fromNameOrFile(const std::string& nameOrPath) {
    for (const auto& p : presetNames())
        if (p == nameOrPath) return preset(p);
    std::ifstream in(nameOrPath);
    if (!in) {
        if (nameOrPath.find('/') == std::string::npos &&
            nameOrPath.find('.') == std::string::npos)
            return preset(nameOrPath); // throws "unknown model" with the preset list
        throw InputError("cannot open model file '" + nameOrPath + "'");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse(buffer.str(), nameOrPath);
}

Model Model::parse(const std::string& text, const std::string& source) {
    Model m;
    m.name = source;
    struct PendingPair {
        std::string a, b;
        PairParameters p;
        int line;
    };
    std::vector<PendingPair> pending;
    std::istringstream in(text);
    std::string line;
    int lineNo = 0;
    auto fail = [&](const std::string& what) {
        throw InputError(source + ":" + std::to_string(lineNo) + ": " + what);
    };
    auto number = [&](const std::string& token, const std::string& field) {
        try {
            std::size_t used = 0;
            double v = std::stod(token, &used);
            if (used != token.size() || !std::isfinite(v)) throw std::invalid_argument(token);
            return v;
        } catch (const std::exception&) {
            fail("expected a finite number for '" + field + "', got '" + token + "'");
        }
        return 0.0;
    };
    while (std::getline(in, line)) {
        ++lineNo;
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string t; words >> t;) w.push_back(t);
        if (w.empty()) continue;
        const std::string& key = w[0];
        // Reads "key value key value ..." starting at word `first` into a map.
        auto keyValues = [&](std::size_t first) {
            std::map<std::string, double> kv;
            if ((w.size() - first) % 2 != 0) fail("expected 'key value' pairs after '" + key + "'");
            for (std::size_t i = first; i + 1 < w.size(); i += 2) {
                if (kv.count(w[i])) fail("'" + w[i] + "' given twice");
                kv[w[i]] = number(w[i + 1], w[i]);
            }
            return kv;
        };
        if (key == "name") {
            if (w.size() != 2) fail("expected 'name NAME'");
            m.name = w[1];
        } else if (key == "cutoff-mode") {
            if (w.size() != 2) fail("expected 'cutoff-mode force-shifted|energy-shifted'");
            if (w[1] == "force-shifted")
                m.cutoffMode = CutoffMode::ForceShifted;
            else if (w[1] == "energy-shifted")
                m.cutoffMode = CutoffMode::EnergyShifted;
            else
                fail("unknown cutoff-mode '" + w[1] + "', expected force-shifted or energy-shifted");
        } else if (key == "soft-spheres") {
            m.interaction = Interaction::SoftSphere;
            for (const auto& [k, v] : keyValues(1)) {
                if (k == "epsilon") m.softSphere.epsilon = v;
                else if (k == "ratio") m.softSphere.ratio = v;
                else if (k == "non-additivity") m.softSphere.nonAdditivity = v;
                else if (k == "cutoff-factor") m.softSphere.cutoffFactor = v;
                else if (k == "max-swap-difference") m.softSphere.maxSwapDifference = v;
                else fail("unknown soft-spheres field '" + k +
                          "', expected epsilon, ratio, non-additivity, cutoff-factor or max-swap-difference");
            }
        } else if (key == "units") {
            for (const auto& [k, v] : keyValues(1)) {
                if (k == "epsilon-kelvin") m.units.epsilonKelvin = v;
                else if (k == "sigma-angstrom") m.units.sigmaAngstrom = v;
                else if (k == "mass-u") m.units.massU = v;
                else fail("unknown units field '" + k + "', expected epsilon-kelvin, sigma-angstrom or mass-u");
            }
            if (!(m.units.epsilonKelvin > 0 && m.units.sigmaAngstrom > 0 && m.units.massU > 0))
                fail("units must be > 0");
        } else if (key == "tls-threshold") {
            if (w.size() != 2) fail("expected 'tls-threshold E' (in eps)");
            m.tlsThreshold = number(w[1], "tls-threshold");
            if (!(m.tlsThreshold > 0.0)) fail("tls-threshold must be > 0");
        } else if (key == "density") {
            if (w.size() != 2) fail("expected 'density VALUE'");
            m.density = number(w[1], "density");
        } else if (key == "copies") {
            if (w.size() != 2) fail("expected 'copies K' (independent copies sharing the box)");
            const double k = number(w[1], "copies");
            if (k != std::floor(k) || k < 1 || k > 64) fail("copies must be a whole number in [1, 64]");
            m.copies = static_cast<int>(k);
        } else if (key == "species") {
            if (w.size() < 2) fail("expected 'species NAME mass M fraction F'");
            Species s{w[1], 1.0, 0.0};
            for (const auto& [k, v] : keyValues(2)) {
                if (k == "mass")
                    s.mass = v;
                else if (k == "fraction")
                    s.fraction = v;
                else
                    fail("unknown species field '" + k + "', expected mass or fraction");
            }
            if (m.speciesIndex(s.name) >= 0) fail("species '" + s.name + "' defined twice");
            m.species.push_back(s);
        } else if (key == "pair") {
            if (w.size() < 3) fail("expected 'pair A B sigma S epsilon E cutoff RC'");
            PendingPair pp{w[1], w[2], {}, lineNo};
            bool haveSigma = false, haveEps = false, haveCut = false;
            for (const auto& [k, v] : keyValues(3)) {
                if (k == "sigma")
                    pp.p.sigma = v, haveSigma = true;
                else if (k == "epsilon")
                    pp.p.epsilon = v, haveEps = true;
                else if (k == "cutoff")
                    pp.p.cutoff = v, haveCut = true;
                else
                    fail("unknown pair field '" + k + "', expected sigma, epsilon or cutoff");
            }
            if (!haveSigma || !haveEps || !haveCut) fail("pair needs sigma, epsilon and cutoff");
            pending.push_back(pp);
        } else {
            fail("unknown keyword '" + key + "', expected name, cutoff-mode, soft-spheres, units, tls-threshold, density, copies, species or pair");
        }
    }
    if (m.species.empty()) throw InputError(source + ": no 'species' lines");
    if (m.interaction == Interaction::SoftSphere) {
        if (!pending.empty()) {
            lineNo = pending.front().line;
            fail("soft spheres take their pair parameters from the diameters: no 'pair' lines");
        }
        if (m.species.size() == 1) m.setPair(0, 0, {1.0, m.softSphere.epsilon, m.maxCutoff()});
        try {
            m.validate();
        } catch (const InputError& e) {
            throw InputError(source + ": " + e.what());
        }
        return m;
    }
    const auto n = static_cast<std::size_t>(m.speciesCount());
    m.pairs_.assign(n * n, PairParameters{-1.0, -1.0, -1.0});
    std::vector<int> definedOn(n * n, 0); // the line that set each pair, 0: none yet
    for (const auto& pp : pending) {
        lineNo = pp.line;
        const int a = m.speciesIndex(pp.a), b = m.speciesIndex(pp.b);
        if (a < 0) fail("pair names unknown species '" + pp.a + "'");
        if (b < 0) fail("pair names unknown species '" + pp.b + "'");
        int& first = definedOn[static_cast<std::size_t>(std::min(a, b)) * n + static_cast<std::size_t>(std::max(a, b))];
        if (first) fail("pair " + pp.a + " " + pp.b + " is defined twice (first on line " + std::to_string(first) + ")");
        first = pp.line;
        if (!(pp.p.sigma > 0.0) || !(pp.p.epsilon > 0.0) || !(pp.p.cutoff > 0.0))
            fail("pair " + pp.a + " " + pp.b + ": sigma, epsilon and cutoff must be > 0");
        m.setPair(a, b, pp.p);
    }
    for (int a = 0; a < m.speciesCount(); ++a)
        for (int b = a; b < m.speciesCount(); ++b)
            if (!definedOn[static_cast<std::size_t>(a) * n + static_cast<std::size_t>(b)])
                throw InputError(source + ": missing 'pair " + m.species[a].name + " " +
                                 m.species[b].name + " ...' line");
    try {
        m.validate();
    } catch (const InputError& e) {
        throw InputError(source + ": " + e.what());
    }
    return m;
}

std::string Model::serialize() const {
    std::ostringstream out;
    out << std::setprecision(17);
    out << "name " << name << "\n";
    out << "cutoff-mode "
        << (cutoffMode == CutoffMode::ForceShifted ? "force-shifted" : "energy-shifted") << "\n";
    out << "density " << density << "\n";
    if (copies != 1) out << "copies " << copies << "\n";
    out << "units epsilon-kelvin " << units.epsilonKelvin << " sigma-angstrom " << units.sigmaAngstrom << " mass-u " << units.massU << "\n";
    out << "tls-threshold " << tlsThreshold << "\n";
    for (const auto& s : species)
        out << "species " << s.name << " mass " << s.mass << " fraction " << s.fraction << "\n";
    if (interaction == Interaction::SoftSphere) {
        out << "soft-spheres epsilon " << softSphere.epsilon << " ratio " << softSphere.ratio << " non-additivity "
            << softSphere.nonAdditivity << " cutoff-factor " << softSphere.cutoffFactor << " max-swap-difference "
            << softSphere.maxSwapDifference << "\n";
        return out.str();
    }
    for (int a = 0; a < speciesCount(); ++a)
        for (int b = a; b < speciesCount(); ++b) {
            const auto& p = pair(a, b);
            out << "pair " << species[a].name << " " << species[b].name << " sigma " << p.sigma
                << " epsilon " << p.epsilon << " cutoff " << p.cutoff << "\n";
        }
    return out.str();
}

} // namespace tlscope
