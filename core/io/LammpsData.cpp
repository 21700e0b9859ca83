#include "core/io/LammpsData.h"

#include "core/common/Error.h"
#include "core/io/SafeWrite.h"
#include "core/model/Model.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

namespace tlscope {

namespace {

/// Limits that keep a malformed header from allocating the machine away.
constexpr long kMaxAtoms = 50'000'000;

std::string trim(const std::string& s) {
    const auto a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string t; in >> t;) w.push_back(t);
    return w;
}

/// A line reader that knows where it is, for messages.
class Lines {
public:
    Lines(std::istream& in, std::string source) : in_(in), source_(std::move(source)) {}
    bool next(std::string& line) {
        if (!std::getline(in_, line)) return false;
        ++number_;
        return true;
    }
    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(source_ + ":" + std::to_string(number_) + ": " + what);
    }
    std::string where() const { return source_ + ":" + std::to_string(number_); }
    const std::string& source() const { return source_; }

private:
    std::istream& in_;
    std::string source_;
    int number_ = 0;
};

double toNumber(const Lines& lines, const std::string& word, const char* what) {
    try {
        std::size_t used = 0;
        const double v = std::stod(word, &used);
        if (used == word.size() && std::isfinite(v)) return v;
    } catch (const std::exception&) {
    }
    lines.fail(std::string("expected a finite number for ") + what + ", found '" + word + "'");
}

long toInteger(const Lines& lines, const std::string& word, const char* what, long lo, long hi) {
    try {
        std::size_t used = 0;
        const long long v = std::stoll(word, &used);
        if (used == word.size() && v >= lo && v <= hi) return static_cast<long>(v);
    } catch (const std::exception&) {
    }
    lines.fail(std::string("expected an integer from ") + std::to_string(lo) + " to " + std::to_string(hi) +
               " for " + what + ", found '" + word + "'");
}

/// Box edges of an orthogonal cubic box: returns L and stores the lower corner.
double cubicBox(const Lines& lines, const double lo[3], const double hi[3], Eigen::Vector3d& origin) {
    double edge[3];
    for (int k = 0; k < 3; ++k) {
        edge[k] = hi[k] - lo[k];
        if (!(edge[k] > 0.0) || !std::isfinite(edge[k])) lines.fail("the box has a non-positive or infinite edge");
        origin[k] = lo[k];
    }
    const double L = edge[0];
    if (std::abs(edge[1] - L) > 1e-9 * L || std::abs(edge[2] - L) > 1e-9 * L) {
        std::ostringstream o;
        o.precision(10);
        o << "TLScope handles cubic boxes; this box is " << edge[0] << " x " << edge[1] << " x " << edge[2];
        lines.fail(o.str());
    }
    return L;
}

void checkTypeAndMasses(LammpsImport& r, const Model& model, const std::map<int, double>& masses,
                        const std::string& source) {
    for (const auto& [type, mass] : masses) {
        if (type < 1 || type > model.speciesCount()) continue; // unused types are harmless
        const double expected = model.species[static_cast<std::size_t>(type - 1)].mass;
        if (std::abs(mass - expected) > 1e-6 * expected) {
            std::ostringstream o;
            o << source << ": atom type " << type << " has mass " << mass << " in the file, but species "
              << model.species[static_cast<std::size_t>(type - 1)].name << " of model '" << model.name << "' has mass "
              << expected << " (the model's masses are used)";
            r.warnings.push_back(o.str());
        }
    }
}

struct AtomRow {
    long id;
    int type;
    Eigen::Vector3d x;
    double diameter = 0.0;
};

/// Sorts rows by id, checks ids are unique, and fills the configuration.
void assemble(LammpsImport& r, std::vector<AtomRow>& rows, const Model& model, double L,
              const Eigen::Vector3d& origin, bool haveDiameters, const std::string& source) {
    std::sort(rows.begin(), rows.end(), [](const AtomRow& a, const AtomRow& b) { return a.id < b.id; });
    for (std::size_t k = 1; k < rows.size(); ++k)
        if (rows[k].id == rows[k - 1].id)
            throw InputError(source + ": atom id " + std::to_string(rows[k].id) + " appears twice");
    const auto n = rows.size();
    r.conf.boxLength = L;
    r.conf.species.resize(n);
    r.conf.positions.resize(3 * static_cast<Eigen::Index>(n));
    r.conf.diameters.assign(haveDiameters ? n : 0, 0.0);
    for (std::size_t k = 0; k < n; ++k) {
        if (rows[k].type < 1 || rows[k].type > model.speciesCount())
            throw InputError(source + ": atom " + std::to_string(rows[k].id) + " has type " + std::to_string(rows[k].type) +
                             ", but model '" + model.name + "' has " + std::to_string(model.speciesCount()) +
                             " species (types 1.." + std::to_string(model.speciesCount()) + ")");
        r.conf.species[k] = rows[k].type - 1;
        r.conf.positions.segment<3>(3 * static_cast<Eigen::Index>(k)) = rows[k].x - origin;
        if (haveDiameters) r.conf.diameters[k] = rows[k].diameter;
    }
    r.conf.validateAgainst(model, source);
}

} // namespace

LammpsImport readLammpsData(std::istream& in, const std::string& source, const Model& model) {
    Lines lines(in, source);
    std::string line;
    if (!lines.next(line)) lines.fail("empty file (a LAMMPS data file starts with a title line)");
    long atoms = -1, types = -1;
    double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
    bool haveBox[3] = {false, false, false};
    std::string section, sectionStyle;
    // Header: "count keyword" lines until the first section name.
    const std::vector<std::string> sectionNames = {"Atoms", "Masses", "Velocities", "Pair Coeffs", "PairIJ Coeffs",
                                                   "Bonds", "Angles", "Dihedrals", "Impropers", "Bond Coeffs",
                                                   "Angle Coeffs", "Dihedral Coeffs", "Improper Coeffs", "Ellipsoids",
                                                   "Lines", "Triangles", "Bodies"};
    auto sectionOf = [&](const std::string& text) -> std::string {
        const std::string t = trim(text.substr(0, text.find('#')));
        for (const auto& s : sectionNames)
            if (t == s) return s;
        return {};
    };
    while (lines.next(line)) {
        const std::string content = trim(line.substr(0, line.find('#')));
        if (content.empty()) continue;
        if (const std::string s = sectionOf(line); !s.empty()) {
            section = s;
            if (const auto hash = line.find('#'); hash != std::string::npos) sectionStyle = trim(line.substr(hash + 1));
            break;
        }
        const auto w = words(content);
        if (w.size() >= 2 && w[1] == "atoms") atoms = toInteger(lines, w[0], "the number of atoms", 0, kMaxAtoms);
        else if (w.size() >= 3 && w[1] == "atom" && w[2] == "types") types = toInteger(lines, w[0], "the number of atom types", 1, 1000);
        else if (w.size() == 4 && (w[2] == "xlo" || w[2] == "ylo" || w[2] == "zlo")) {
            const int k = w[2][0] - 'x';
            lo[k] = toNumber(lines, w[0], "the lower box bound");
            hi[k] = toNumber(lines, w[1], "the upper box bound");
            haveBox[k] = true;
        } else if (w.size() == 6 && w[3] == "xy") {
            for (int k = 0; k < 3; ++k)
                if (toNumber(lines, w[static_cast<std::size_t>(k)], "a tilt factor") != 0.0)
                    lines.fail("the box is triclinic (non-zero tilt factors); TLScope handles cubic boxes");
        } else if (w.size() >= 2 && std::isdigit(static_cast<unsigned char>(w[0][0]))) {
            // bonds, angles, extra/... counts and the like: irrelevant for a pair potential
        } else {
            lines.fail("unexpected header line '" + content + "' (expected 'N atoms', 'T atom types', 'lo hi xlo xhi' or a section)");
        }
    }
    if (section.empty()) lines.fail("no Atoms section");
    if (atoms < 0) throw InputError(source + ": the header has no 'N atoms' line");
    if (types < 0) throw InputError(source + ": the header has no 'T atom types' line");
    for (int k = 0; k < 3; ++k)
        if (!haveBox[k]) throw InputError(source + ": the header has no " + std::string(1, char('x' + k)) + "lo " +
                                          std::string(1, char('x' + k)) + "hi line");
    // Types beyond the model's species are an error only if an atom uses them (assemble).
    Eigen::Vector3d origin;
    const double L = cubicBox(lines, lo, hi, origin);

    LammpsImport result;
    std::vector<AtomRow> rows;
    std::map<int, double> masses;
    bool sawAtoms = false, haveDiameters = false;
    // Sections: a name line, a blank line, then rows until the next name or the end.
    while (!section.empty()) {
        std::string next;
        if (section == "Atoms") {
            if (sawAtoms) lines.fail("a second Atoms section");
            sawAtoms = true;
            const std::string style = sectionStyle.empty() ? "atomic" : words(sectionStyle)[0];
            int idCol = 0, typeCol = 1, xCol = 2, diameterCol = -1;
            std::size_t columns = 5;
            if (style == "atomic") {
            } else if (style == "charge") {
                xCol = 3, columns = 6;
            } else if (style == "sphere") {
                diameterCol = 2, xCol = 4, columns = 7;
                haveDiameters = true;
            } else if (style == "molecular" || style == "bond" || style == "angle") {
                typeCol = 2, xCol = 3, columns = 6;
            } else if (style == "full") {
                typeCol = 2, xCol = 4, columns = 7;
            } else {
                lines.fail("atom style '" + style + "' is not read (atomic, charge, sphere, molecular and full are)");
            }
            rows.reserve(static_cast<std::size_t>(std::min<long>(atoms, 1'000'000)));
            while (lines.next(line)) {
                const std::string content = trim(line.substr(0, line.find('#')));
                if (content.empty()) {
                    if (static_cast<long>(rows.size()) == atoms) break;
                    continue;
                }
                if (!sectionOf(line).empty()) {
                    next = line;
                    break;
                }
                const auto w = words(content);
                if (w.size() != columns && w.size() != columns + 3)
                    lines.fail("an Atoms row of style " + style + " has " + std::to_string(columns) + " columns (or " +
                               std::to_string(columns + 3) + " with image flags), found " + std::to_string(w.size()));
                if (static_cast<long>(rows.size()) >= atoms)
                    lines.fail("more Atoms rows than the header's " + std::to_string(atoms) + " atoms");
                AtomRow row;
                row.id = toInteger(lines, w[static_cast<std::size_t>(idCol)], "an atom id", 1, 9'000'000'000'000'000'000L);
                row.type = static_cast<int>(toInteger(lines, w[static_cast<std::size_t>(typeCol)], "an atom type", 1, types));
                for (int k = 0; k < 3; ++k) row.x[k] = toNumber(lines, w[static_cast<std::size_t>(xCol + k)], "a coordinate");
                if (diameterCol >= 0) {
                    row.diameter = toNumber(lines, w[static_cast<std::size_t>(diameterCol)], "a diameter");
                    if (!(row.diameter > 0.0)) lines.fail("a diameter must be > 0");
                }
                if (w.size() == columns + 3)
                    for (int k = 0; k < 3; ++k)
                        row.x[k] += L * static_cast<double>(toInteger(lines, w[columns + static_cast<std::size_t>(k)], "an image flag", -1'000'000, 1'000'000));
                if (row.x.cwiseAbs().maxCoeff() > 1e6 * L) lines.fail("a coordinate is more than 10^6 box lengths from the box");
                rows.push_back(row);
            }
            if (static_cast<long>(rows.size()) != atoms)
                throw InputError(source + ": the header announces " + std::to_string(atoms) + " atoms, the Atoms section has " +
                                 std::to_string(rows.size()));
        } else if (section == "Masses") {
            while (lines.next(line)) {
                const std::string content = trim(line.substr(0, line.find('#')));
                if (content.empty()) {
                    if (static_cast<long>(masses.size()) == types) break;
                    continue;
                }
                if (!sectionOf(line).empty()) {
                    next = line;
                    break;
                }
                const auto w = words(content);
                if (w.size() != 2) lines.fail("a Masses row is 'type mass'");
                const int t = static_cast<int>(toInteger(lines, w[0], "an atom type", 1, types));
                const double m = toNumber(lines, w[1], "a mass");
                if (!(m > 0.0)) lines.fail("a mass must be > 0");
                masses[t] = m;
            }
        } else {
            // A section we do not need (velocities, coefficients, bonds): skip its rows.
            while (lines.next(line)) {
                if (!sectionOf(line).empty()) {
                    next = line;
                    break;
                }
            }
        }
        if (next.empty()) {
            // Blank line ended a section: look for the next section name.
            while (lines.next(line)) {
                if (trim(line.substr(0, line.find('#'))).empty()) continue;
                next = line;
                break;
            }
        }
        if (next.empty()) break;
        section = sectionOf(next);
        if (section.empty()) lines.fail("expected a section name (Atoms, Masses, Velocities, ...), found '" + trim(next) + "'");
        const auto hash = next.find('#');
        sectionStyle = hash == std::string::npos ? std::string() : trim(next.substr(hash + 1));
    }
    if (!sawAtoms) throw InputError(source + ": no Atoms section");
    assemble(result, rows, model, L, origin, haveDiameters, source);
    checkTypeAndMasses(result, model, masses, source);
    return result;
}

LammpsImport readLammpsData(const std::string& path, const Model& model) {
    std::ifstream in(path);
    if (!in) throw InputError("cannot open " + path);
    return readLammpsData(in, path, model);
}

LammpsImport readLammpsDump(std::istream& in, const std::string& source, const Model& model, int frame) {
    Lines lines(in, source);
    std::string line;
    int index = 0;
    LammpsImport kept;
    bool haveKept = false;
    std::vector<LammpsImport> lastFrames; // ring of the last |frame| frames when frame < 0
    const std::size_t keepLast = frame < 0 ? static_cast<std::size_t>(-static_cast<long>(frame)) : 0;
    while (lines.next(line)) {
        if (trim(line).empty()) continue;
        if (trim(line) != "ITEM: TIMESTEP") lines.fail("expected 'ITEM: TIMESTEP' (a LAMMPS text dump)");
        LammpsImport f;
        if (!lines.next(line)) lines.fail("the file ends after ITEM: TIMESTEP");
        f.timestep = toInteger(lines, trim(line), "the timestep", 0, 9'000'000'000'000'000'000L);
        long atoms = -1;
        double lo[3], hi[3];
        bool box = false;
        while (lines.next(line)) {
            const std::string t = trim(line);
            if (t == "ITEM: NUMBER OF ATOMS") {
                if (!lines.next(line)) lines.fail("the file ends after ITEM: NUMBER OF ATOMS");
                atoms = toInteger(lines, trim(line), "the number of atoms", 1, kMaxAtoms);
            } else if (t.rfind("ITEM: BOX BOUNDS", 0) == 0) {
                const auto w = words(t);
                if (w.size() > 3 && (w[3] == "xy" || w[3] == "abc")) lines.fail("the box is triclinic; TLScope handles cubic boxes");
                for (int k = 0; k < 3; ++k) {
                    if (!lines.next(line)) lines.fail("the file ends inside BOX BOUNDS");
                    const auto b = words(line);
                    if (b.size() != 2) lines.fail("a BOX BOUNDS row is 'lo hi'");
                    lo[k] = toNumber(lines, b[0], "a box bound");
                    hi[k] = toNumber(lines, b[1], "a box bound");
                }
                box = true;
            } else if (t.rfind("ITEM: ATOMS", 0) == 0) {
                break;
            } else if (t.rfind("ITEM:", 0) == 0) {
                lines.fail("unexpected '" + t + "' before ITEM: ATOMS");
            } else {
                lines.fail("expected an ITEM: line, found '" + t + "'");
            }
        }
        if (atoms < 0 || !box) lines.fail("a frame needs NUMBER OF ATOMS and BOX BOUNDS before ATOMS");
        const auto header = words(trim(line));
        if (header.size() < 2 || header[1] != "ATOMS") lines.fail("expected 'ITEM: ATOMS' and column names");
        std::map<std::string, std::size_t> col;
        for (std::size_t k = 2; k < header.size(); ++k)
            if (!col.emplace(header[k], k - 2).second) lines.fail("column '" + header[k] + "' appears twice in ITEM: ATOMS");
        auto column = [&](std::initializer_list<const char*> names) -> long {
            for (const char* n : names)
                if (auto it = col.find(n); it != col.end()) return static_cast<long>(it->second);
            return -1;
        };
        const long idCol = column({"id"}), typeCol = column({"type"});
        long xCol = column({"xu"}), scaled = 0, unwrapped = 1;
        if (xCol < 0) xCol = column({"x"}), unwrapped = 0;
        if (xCol < 0) xCol = column({"xs"}), scaled = 1;
        if (idCol < 0 || typeCol < 0 || xCol < 0) lines.fail("ITEM: ATOMS needs columns id, type and x y z (or xu yu zu, xs ys zs)");
        const char* yz[2][3] = {{"y", "yu", "ys"}, {"z", "zu", "zs"}};
        long yzCol[2];
        for (int k = 0; k < 2; ++k) {
            yzCol[k] = column({yz[k][scaled ? 2 : unwrapped ? 1 : 0]});
            if (yzCol[k] < 0) lines.fail("ITEM: ATOMS has an x column but not the matching y and z");
        }
        const long diameterCol = column({"diameter"}), radiusCol = column({"radius"});
        Eigen::Vector3d origin;
        const double L = cubicBox(lines, lo, hi, origin);
        std::vector<AtomRow> rows;
        rows.reserve(static_cast<std::size_t>(std::min<long>(atoms, 1'000'000)));
        for (long a = 0; a < atoms; ++a) {
            if (!lines.next(line)) lines.fail("the file ends after " + std::to_string(a) + " of " + std::to_string(atoms) + " atoms");
            const auto w = words(line);
            if (w.size() != col.size()) lines.fail("an atom row has " + std::to_string(w.size()) + " columns, ITEM: ATOMS names " + std::to_string(col.size()));
            AtomRow r;
            r.id = toInteger(lines, w[static_cast<std::size_t>(idCol)], "an atom id", 1, 9'000'000'000'000'000'000L);
            r.type = static_cast<int>(toInteger(lines, w[static_cast<std::size_t>(typeCol)], "an atom type", 1, 1000));
            const long c[3] = {xCol, yzCol[0], yzCol[1]};
            for (int k = 0; k < 3; ++k) {
                r.x[k] = toNumber(lines, w[static_cast<std::size_t>(c[k])], "a coordinate");
                if (scaled) r.x[k] = lo[k] + r.x[k] * L;
            }
            if (r.x.cwiseAbs().maxCoeff() > 1e6 * L) lines.fail("a coordinate is more than 10^6 box lengths from the box");
            if (diameterCol >= 0 || radiusCol >= 0) {
                r.diameter = diameterCol >= 0 ? toNumber(lines, w[static_cast<std::size_t>(diameterCol)], "a diameter")
                                              : 2.0 * toNumber(lines, w[static_cast<std::size_t>(radiusCol)], "a radius");
                if (!(r.diameter > 0.0)) lines.fail("a diameter must be > 0");
            }
            rows.push_back(r);
        }
        if (frame >= 0 && index != frame) {
            ++index;
            continue;
        }
        assemble(f, rows, model, L, origin, diameterCol >= 0 || radiusCol >= 0, lines.where());
        if (frame >= 0) {
            kept = std::move(f);
            haveKept = true;
            break;
        }
        lastFrames.push_back(std::move(f));
        if (lastFrames.size() > keepLast) lastFrames.erase(lastFrames.begin());
        ++index;
    }
    if (frame >= 0) {
        if (!haveKept) throw InputError(source + ": frame " + std::to_string(frame) + " requested, the file has " + std::to_string(index));
        return kept;
    }
    if (lastFrames.size() < keepLast)
        throw InputError(source + ": frame " + std::to_string(frame) + " requested, the file has " + std::to_string(lastFrames.size()) + " frames");
    return std::move(lastFrames.front());
}

LammpsImport readLammpsDump(const std::string& path, const Model& model, int frame) {
    std::ifstream in(path);
    if (!in) throw InputError("cannot open " + path);
    return readLammpsDump(in, path, model, frame);
}

void writeLammpsData(std::ostream& out, const Configuration& conf, const Model& model) {
    const Eigen::VectorXd wrapped = conf.wrappedPositions();
    out.precision(17);
    out << "LAMMPS data file written by TLScope " << TLSCOPE_VERSION << " (model " << model.name << ")\n\n"
        << conf.size() << " atoms\n"
        << model.speciesCount() << " atom types\n\n"
        << "0 " << conf.boxLength << " xlo xhi\n"
        << "0 " << conf.boxLength << " ylo yhi\n"
        << "0 " << conf.boxLength << " zlo zhi\n";
    if (conf.diameters.size() == static_cast<std::size_t>(conf.size()) && conf.size() > 0) {
        // atom_style sphere: id type diameter density x y z, the density giving each particle
        // its species' mass (LAMMPS derives the mass from diameter and density).
        out << "\nAtoms # sphere\n\n";
        for (int i = 0; i < conf.size(); ++i) {
            const auto ui = static_cast<std::size_t>(i);
            const double d = conf.diameters[ui], mass = model.species[static_cast<std::size_t>(conf.species[ui])].mass;
            out << i + 1 << " " << conf.species[ui] + 1 << " " << d << " " << mass / (std::acos(-1.0) / 6.0 * d * d * d) << " "
                << wrapped[3 * i] << " " << wrapped[3 * i + 1] << " " << wrapped[3 * i + 2] << "\n";
        }
        return;
    }
    out << "\nMasses\n\n";
    for (int s = 0; s < model.speciesCount(); ++s)
        out << s + 1 << " " << model.species[static_cast<std::size_t>(s)].mass << "  # " << model.species[static_cast<std::size_t>(s)].name << "\n";
    out << "\nAtoms # atomic\n\n";
    for (int i = 0; i < conf.size(); ++i)
        out << i + 1 << " " << conf.species[static_cast<std::size_t>(i)] + 1 << " " << wrapped[3 * i] << " " << wrapped[3 * i + 1]
            << " " << wrapped[3 * i + 2] << "\n";
}

void writeLammpsData(const std::string& path, const Configuration& conf, const Model& model) {
    writeFileSafely(path, [&](std::ostream& out) { writeLammpsData(out, conf, model); });
}

std::string lammpsInputScript(const Model& model, const std::string& dataFile) {
    std::ostringstream o;
    o.precision(17);
    if (model.perParticleDiameters())
        throw InputError("model '" + model.name + "': LAMMPS has no pair style for non-additive polydisperse soft spheres, "
                         "so no input script is written (the data file carries the diameters in atom_style sphere)");
    const bool forceShifted = model.cutoffMode == CutoffMode::ForceShifted;
    o << "# LAMMPS input written by TLScope " << TLSCOPE_VERSION << ": model " << model.name << "\n"
      << "units lj\natom_style atomic\nboundary p p p\nread_data " << dataFile << "\n"
      << "pair_style " << (forceShifted ? "lj/smooth/linear " : "lj/cut ") << model.maxCutoff() << "\n";
    for (int a = 0; a < model.speciesCount(); ++a)
        for (int b = a; b < model.speciesCount(); ++b) {
            const auto& p = model.pair(a, b);
            o << "pair_coeff " << a + 1 << " " << b + 1 << " " << p.epsilon << " " << p.sigma << " " << p.cutoff << "\n";
        }
    if (!forceShifted) o << "pair_modify shift yes\n";
    o << "thermo_style custom step pe\nthermo_modify norm no format float %.17g\nrun 0\n";
    return o.str();
}

} // namespace tlscope
