#include "core/io/ExtendedXyz.h"

#include "core/common/Error.h"
#include "core/io/SafeWrite.h"
#include "core/model/Model.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace tlscope {

namespace {

[[noreturn]] void fail(const std::string& source, int line, const std::string& what) {
    throw InputError(source + ":" + std::to_string(line) + ": " + what);
}

/// Splits an extended XYZ comment line into key=value pairs; values may be "quoted".
std::map<std::string, std::string> parseInfo(const std::string& s, const std::string& source,
                                             int line) {
    std::map<std::string, std::string> kv;
    std::size_t i = 0;
    auto skipSpace = [&] {
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    };
    while (true) {
        skipSpace();
        if (i >= s.size()) break;
        std::size_t keyStart = i;
        while (i < s.size() && s[i] != '=' && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        std::string key = s.substr(keyStart, i - keyStart);
        skipSpace();
        if (i >= s.size() || s[i] != '=') {
            kv[key] = std::string(1, 'T'); // a bare key is a true flag in the extended XYZ dialect
            continue;
        }
        ++i;
        skipSpace();
        std::string value;
        if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
            const char quote = s[i++];
            const std::size_t end = s.find(quote, i);
            if (end == std::string::npos)
                fail(source, line, "unterminated quote in the value of '" + key + "'");
            value = s.substr(i, end - i);
            i = end + 1;
        } else {
            std::size_t valueStart = i;
            while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
            value = s.substr(valueStart, i - valueStart);
        }
        std::string lower = key;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        kv[lower] = value;
    }
    return kv;
}

double parseNumber(const std::string& token, const std::string& source, int line,
                   const std::string& what) {
    try {
        std::size_t used = 0;
        const double v = std::stod(token, &used);
        if (used != token.size() || !std::isfinite(v)) throw std::invalid_argument(token);
        return v;
    } catch (const std::exception&) {
        fail(source, line, "expected a number for " + what + ", got '" + token + "'");
    }
}

constexpr double kMaxCoordinateBoxes = 1000.0;

struct PropertyColumn {
    std::string name;
    char type;
    int width;
};

} // namespace

Configuration XyzFrame::toConfiguration(const Model& model, const std::string& source) const {
    Configuration c;
    c.boxLength = boxLength;
    c.positions = positions;
    c.diameters = diameters;
    c.species.resize(speciesNames.size());
    for (std::size_t i = 0; i < speciesNames.size(); ++i) {
        const int s = model.speciesIndex(speciesNames[i]);
        if (s < 0)
            throw InputError(source + ": particle " + std::to_string(i) + " has species '" +
                             speciesNames[i] + "', which model '" + model.name +
                             "' does not define");
        c.species[i] = s;
    }
    c.validateAgainst(model, source);
    return c;
}

bool readXyzFrame(std::istream& in, const std::string& source, int& lineNo, XyzFrame& frame) {
    std::string line;
    // Skip blank lines between frames; a clean end of file is not an error.
    do {
        if (!std::getline(in, line)) return false;
        ++lineNo;
    } while (line.find_first_not_of(" \t\r") == std::string::npos);
    long n = 0;
    {
        std::istringstream s(line);
        std::string extra;
        if (!(s >> n) || (s >> extra) || n <= 0)
            fail(source, lineNo, "expected the particle count (a positive integer), got '" + line + "'");
        if (n > 100000000) fail(source, lineNo, "particle count " + std::to_string(n) + " is implausibly large");
    }
    if (!std::getline(in, line)) fail(source, lineNo + 1, "missing comment line (Lattice=..., Properties=...)");
    ++lineNo;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    frame = XyzFrame{};
    frame.info = parseInfo(line, source, lineNo);
    auto lattice = frame.info.find("lattice");
    if (lattice == frame.info.end())
        fail(source, lineNo, "missing Lattice=\"L 0 0 0 L 0 0 0 L\" (a periodic cubic box is required)");
    {
        std::istringstream s(lattice->second);
        std::vector<double> v;
        for (std::string t; s >> t;) v.push_back(parseNumber(t, source, lineNo, "Lattice"));
        if (v.size() != 9) fail(source, lineNo, "Lattice needs 9 numbers, got " + std::to_string(v.size()));
        const double L = v[0];
        const double tol = 1e-9 * std::abs(L);
        const bool cubic = std::abs(v[4] - L) <= tol && std::abs(v[8] - L) <= tol &&
                           std::abs(v[1]) <= tol && std::abs(v[2]) <= tol && std::abs(v[3]) <= tol &&
                           std::abs(v[5]) <= tol && std::abs(v[6]) <= tol && std::abs(v[7]) <= tol;
        if (!cubic) fail(source, lineNo, "Lattice must be a cubic box (L 0 0 0 L 0 0 0 L)");
        if (!(L > 0.0)) fail(source, lineNo, "Lattice edge must be > 0");
        frame.boxLength = L;
    }
    if (auto pbc = frame.info.find("pbc"); pbc != frame.info.end()) {
        std::istringstream s(pbc->second);
        for (std::string t; s >> t;)
            if (t != "T" && t != "t" && t != "True" && t != "true" && t != "1")
                fail(source, lineNo, "pbc must be \"T T T\": TLScope only handles periodic boxes");
    }
    if (auto e = frame.info.find("energy"); e != frame.info.end())
        frame.energy = parseNumber(e->second, source, lineNo, "energy");

    std::vector<PropertyColumn> columns;
    {
        std::string props = "species:S:1:pos:R:3";
        if (auto p = frame.info.find("properties"); p != frame.info.end()) props = p->second;
        std::vector<std::string> parts;
        std::stringstream s(props);
        for (std::string t; std::getline(s, t, ':');) parts.push_back(t);
        if (parts.size() % 3 != 0)
            fail(source, lineNo, "Properties must be name:type:count triples, got '" + props + "'");
        for (std::size_t k = 0; k < parts.size(); k += 3) {
            PropertyColumn c{parts[k], parts[k + 1].size() == 1 ? parts[k + 1][0] : '?', 0};
            std::size_t used = 0;
            try {
                c.width = std::stoi(parts[k + 2], &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != parts[k + 2].size() || c.width <= 0 || c.width > 1000)
                fail(source, lineNo, "Properties count for '" + c.name + "' must be an integer from 1 to 1000, got '" + parts[k + 2] + "'");
            if (std::string("SRIL").find(c.type) == std::string::npos)
                fail(source, lineNo, "Properties entry '" + c.name + "' has type '" + parts[k + 1] + "' (expected S, R, I or L)");
            for (const auto& earlier : columns)
                if (earlier.name == c.name) fail(source, lineNo, "Properties lists '" + c.name + "' twice");
            // The columns TLScope reads must have exactly their shape.
            const bool vector3 = c.name == "pos" || c.name == "forces" || c.name == "velo" || c.name == "velocities";
            if (vector3 && (c.type != 'R' || c.width != 3))
                fail(source, lineNo, "Properties entry '" + c.name + "' must be " + c.name + ":R:3, got " + c.name + ":" + parts[k + 1] + ":" + parts[k + 2]);
            if (c.name == "species" && (c.type != 'S' || c.width != 1))
                fail(source, lineNo, "Properties entry 'species' must be species:S:1");
            columns.push_back(c);
        }
        if (columns.size() > 1000) fail(source, lineNo, "Properties has more than 1000 entries");
        bool haveSpecies = false, havePos = false;
        for (const auto& c : columns) {
            haveSpecies |= (c.name == "species" && c.type == 'S' && c.width == 1);
            havePos |= (c.name == "pos" && c.type == 'R' && c.width == 3);
        }
        if (!haveSpecies || !havePos)
            fail(source, lineNo, "Properties must contain species:S:1 and pos:R:3");
    }
    long expected = 0; // at most 1000 x 1000: no overflow
    for (const auto& c : columns) expected += c.width;

    // Grow with the lines actually read: a short file claiming a huge count allocates nothing.
    std::vector<double> positions, forces, velocities;
    frame.diameters.clear();
    frame.realColumns.clear();
    const std::size_t reserve = static_cast<std::size_t>(std::min(n, 100000L));
    frame.speciesNames.clear();
    frame.speciesNames.reserve(reserve);
    positions.reserve(3 * reserve);
    bool haveForces = false, haveVelocities = false;
    for (const auto& c : columns) {
        haveForces |= c.name == "forces";
        haveVelocities |= c.name == "velo" || c.name == "velocities";
    }
    std::vector<std::string> tok;
    for (long i = 0; i < n; ++i) {
        if (!std::getline(in, line))
            fail(source, lineNo + 1, "file ends after " + std::to_string(i) + " of " +
                                         std::to_string(n) + " particle lines");
        ++lineNo;
        tok.clear();
        std::istringstream s(line);
        for (std::string t; s >> t && static_cast<long>(tok.size()) <= expected;) tok.push_back(t);
        if (static_cast<long>(tok.size()) != expected)
            fail(source, lineNo, "expected " + std::to_string(expected) + " columns (" +
                                     std::to_string(columns.size()) + " properties), got " +
                                     std::to_string(tok.size()));
        int at = 0;
        for (const auto& c : columns) {
            const auto uat = static_cast<std::size_t>(at);
            if (c.name == "species") {
                frame.speciesNames.push_back(tok[uat]);
            } else if (c.name == "pos") {
                for (std::size_t k = 0; k < 3; ++k) {
                    const double x = parseNumber(tok[uat + k], source, lineNo, "a position");
                    // Beyond this the minimum image loses digits: refuse rather than compute wrong.
                    if (std::abs(x) > kMaxCoordinateBoxes * frame.boxLength)
                        fail(source, lineNo, "position " + tok[uat + k] + " is more than " + std::to_string(static_cast<int>(kMaxCoordinateBoxes)) +
                                                 " box lengths from the origin (wrap the coordinates into the box)");
                    positions.push_back(x);
                }
            } else if (c.name == "forces") {
                for (std::size_t k = 0; k < 3; ++k) forces.push_back(parseNumber(tok[uat + k], source, lineNo, "a force"));
            } else if (c.name == "velo" || c.name == "velocities") {
                for (std::size_t k = 0; k < 3; ++k) velocities.push_back(parseNumber(tok[uat + k], source, lineNo, "a velocity"));
            } else if ((c.name == "diameter" || c.name == "radius") && c.width == 1) {
                const double d = parseNumber(tok[uat], source, lineNo, "a " + c.name);
                if (!(d > 0.0)) fail(source, lineNo, c.name + " " + tok[uat] + " must be > 0");
                frame.diameters.push_back(c.name == "radius" ? 2.0 * d : d);
            } else if (c.type == 'R' && c.name != "forces" && c.name != "velo" && c.name != "velocities") {
                auto& column = frame.realColumns[c.name];
                for (std::size_t k = 0; k < static_cast<std::size_t>(c.width); ++k)
                    column.push_back(parseNumber(tok[uat + k], source, lineNo, "a value of " + c.name));
            }
            at += c.width;
        }
    }
    frame.positions = Eigen::Map<const Eigen::VectorXd>(positions.data(), static_cast<Eigen::Index>(positions.size()));
    if (haveForces) frame.forces = Eigen::Map<const Eigen::VectorXd>(forces.data(), static_cast<Eigen::Index>(forces.size()));
    if (haveVelocities) frame.velocities = Eigen::Map<const Eigen::VectorXd>(velocities.data(), static_cast<Eigen::Index>(velocities.size()));
    return true;
}

XyzFrame readXyzFile(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError("cannot open '" + path + "' for reading");
    XyzFrame frame;
    int line = 0;
    if (!readXyzFrame(in, path, line, frame)) throw InputError(path + ": file is empty");
    // The rest must be further frames: more particle lines than the count says is an error,
    // not a silently smaller system.
    XyzFrame next;
    try {
        while (readXyzFrame(in, path, line, next)) {}
    } catch (const InputError& e) {
        throw InputError(std::string(e.what()) + " (the first frame declares " + std::to_string(frame.speciesNames.size()) +
                         " particles: does the file have more particle lines than that?)");
    }
    return frame;
}

std::vector<XyzFrame> readXyzFrames(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw InputError("cannot open '" + path + "' for reading");
    std::vector<XyzFrame> frames;
    int line = 0;
    XyzFrame frame;
    while (readXyzFrame(in, path, line, frame)) frames.push_back(std::move(frame));
    if (frames.empty()) throw InputError(path + ": file is empty");
    return frames;
}

void writeXyzFrame(std::ostream& out, const Configuration& conf, const Model& model,
                   const XyzWriteOptions& o) {
    const int n = conf.size();
    const double L = conf.boxLength;
    const Eigen::VectorXd x = o.wrap ? conf.wrappedPositions() : conf.positions;
    out << n << "\n";
    out << std::setprecision(17);
    const bool diameters = conf.diameters.size() == static_cast<std::size_t>(n) && n > 0;
    out << "Lattice=\"" << L << " 0 0 0 " << L << " 0 0 0 " << L << "\" Properties=species:S:1:pos:R:3";
    if (diameters) out << ":diameter:R:1";
    if (o.velocities) out << ":velo:R:3";
    if (o.forces) out << ":forces:R:3";
    for (const auto& c : o.extraColumns) out << ":" << c.name << ":R:" << c.width;
    if (o.energy) out << " energy=" << *o.energy;
    for (const auto& [k, v] : o.info) {
        out << " " << k << "=";
        if (v.find(' ') != std::string::npos) out << '"' << v << '"';
        else out << v;
    }
    out << " pbc=\"T T T\"\n";
    for (int i = 0; i < n; ++i) {
        out << model.species[conf.species[i]].name;
        for (int k = 0; k < 3; ++k) out << ' ' << x[3 * i + k];
        if (diameters) out << ' ' << conf.diameters[static_cast<std::size_t>(i)];
        if (o.velocities)
            for (int k = 0; k < 3; ++k) out << ' ' << (*o.velocities)[3 * i + k];
        if (o.forces)
            for (int k = 0; k < 3; ++k) out << ' ' << (*o.forces)[3 * i + k];
        for (const auto& c : o.extraColumns)
            for (int k = 0; k < c.width; ++k) out << ' ' << c.values[c.width * i + k];
        out << "\n";
    }
}

void writeXyzFile(const std::string& path, const std::vector<Configuration>& frames,
                  const Model& model, const std::vector<XyzWriteOptions>& options) {
    writeFileSafely(path, [&](std::ostream& out) {
        out << std::setprecision(17);
        for (std::size_t f = 0; f < frames.size(); ++f)
            writeXyzFrame(out, frames[f], model, f < options.size() ? options[f] : XyzWriteOptions{});
    });
}

} // namespace tlscope
