#include "core/io/WalkCheckpoint.h"

#include "core/common/Error.h"
#include "core/io/SafeWrite.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

namespace tlscope {

namespace {
constexpr char kMagic[] = "TLScope walk checkpoint 1\n";

std::uint64_t fnv1a(const std::string& bytes) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

class Out {
public:
    template <class T> void put(T v) { bytes_.append(reinterpret_cast<const char*>(&v), sizeof v); }
    void vector(const Eigen::VectorXd& v) {
        put<std::int64_t>(v.size());
        bytes_.append(reinterpret_cast<const char*>(v.data()), static_cast<std::size_t>(v.size()) * sizeof(double));
    }
    void text(const std::string& s) {
        put<std::uint64_t>(s.size());
        bytes_ += s;
    }
    std::string& bytes() { return bytes_; }

private:
    std::string bytes_;
};

class In {
public:
    In(const std::string& bytes, std::size_t begin, std::size_t end, std::string where)
        : bytes_(bytes), at_(begin), end_(end), where_(std::move(where)) {}
    template <class T> T get() {
        need(sizeof(T));
        T v;
        std::memcpy(&v, bytes_.data() + at_, sizeof v);
        at_ += sizeof v;
        return v;
    }
    Eigen::VectorXd vector(Eigen::Index expected) {
        const auto n = get<std::int64_t>();
        if (n != expected) fail("a vector has " + std::to_string(n) + " values, expected " + std::to_string(expected));
        need(static_cast<std::size_t>(n) * sizeof(double));
        Eigen::VectorXd v(n);
        std::memcpy(v.data(), bytes_.data() + at_, static_cast<std::size_t>(n) * sizeof(double));
        at_ += static_cast<std::size_t>(n) * sizeof(double);
        if (!v.allFinite()) fail("a vector holds a non-finite value");
        return v;
    }
    std::string text() {
        const auto n = get<std::uint64_t>();
        need(n);
        std::string s = bytes_.substr(at_, n);
        at_ += n;
        return s;
    }
    /// A count that must fit what is left of the file (each element at least `perElement` bytes).
    std::size_t count(std::size_t perElement) {
        const auto n = get<std::uint64_t>();
        if (perElement > 0 && n > (end_ - at_) / perElement) fail("a count (" + std::to_string(n) + ") is larger than the file");
        return static_cast<std::size_t>(n);
    }
    bool done() const { return at_ == end_; }
    [[noreturn]] void fail(const std::string& what) const { throw InputError(where_ + ": " + what + " (damaged walk checkpoint)"); }

private:
    void need(std::size_t n) const {
        if (n > end_ - at_) fail("the file ends early");
    }
    const std::string& bytes_;
    std::size_t at_, end_;
    std::string where_;
};
} // namespace

std::string walkCheckpointPath(const std::string& sessionPath) { return sessionPath + ".walk"; }

void writeWalkCheckpoint(const std::string& path, const WalkCheckpoint& cp, const std::string& identity) {
    Out o;
    o.bytes() = kMagic;
    o.text(identity);
    o.put<std::int64_t>(cp.step);
    o.vector(cp.md.positions);
    o.vector(cp.md.velocities);
    o.vector(cp.md.forces);
    o.put<double>(cp.md.potentialEnergy);
    o.put<std::int64_t>(cp.md.step);
    for (std::uint64_t s : cp.random) o.put<std::uint64_t>(s);
    const MetabasinWalk& w = cp.walk;
    o.put<std::uint64_t>(w.minima.size());
    for (const VisitedMinimum& m : w.minima) {
        o.vector(m.positions);
        o.put<double>(m.energy);
        o.put<std::int64_t>(m.firstStep);
        o.put<std::int32_t>(m.visits);
    }
    o.put<std::uint64_t>(w.sequence.size());
    for (std::size_t k = 0; k < w.sequence.size(); ++k) {
        o.put<std::int32_t>(w.sequence[k]);
        o.put<std::int64_t>(w.sequenceStep[k]);
    }
    o.put<std::uint64_t>(w.transitions.size());
    for (const auto& [key, count] : w.transitions) {
        o.put<std::int32_t>(key.first);
        o.put<std::int32_t>(key.second);
        o.put<std::int32_t>(count);
    }
    o.put<std::int32_t>(w.failedQuenches);
    o.put<std::uint64_t>(fnv1a(o.bytes()));
    writeFileSafely(path, [&](std::ostream& out) { out.write(o.bytes().data(), static_cast<std::streamsize>(o.bytes().size())); });
}

WalkCheckpoint readWalkCheckpoint(const std::string& path, const std::string& identity, Eigen::Index dimension) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(path + ": cannot open the walk checkpoint");
    const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const std::size_t magic = std::strlen(kMagic);
    if (bytes.size() < magic + 8 || bytes.compare(0, magic, kMagic) != 0) throw InputError(path + ": not a TLScope walk checkpoint");
    std::uint64_t stored;
    std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
    if (fnv1a(bytes.substr(0, bytes.size() - 8)) != stored)
        throw InputError(path + ": the checksum does not match (damaged walk checkpoint)");
    In in(bytes, magic, bytes.size() - 8, path);
    if (in.text() != identity)
        throw InputError(path + ": the checkpoint belongs to an exploration with other parameters; remove it to start the walk afresh");
    WalkCheckpoint cp;
    cp.step = in.get<std::int64_t>();
    cp.md.positions = in.vector(dimension);
    cp.md.velocities = in.vector(dimension);
    cp.md.forces = in.vector(dimension);
    cp.md.potentialEnergy = in.get<double>();
    cp.md.step = in.get<std::int64_t>();
    for (std::uint64_t& s : cp.random) s = in.get<std::uint64_t>();
    MetabasinWalk& w = cp.walk;
    const std::size_t minima = in.count(8 * static_cast<std::size_t>(dimension));
    if (minima == 0) in.fail("the walk has no minimum");
    for (std::size_t k = 0; k < minima; ++k) {
        VisitedMinimum m;
        m.positions = in.vector(dimension);
        m.energy = in.get<double>();
        m.firstStep = in.get<std::int64_t>();
        m.visits = in.get<std::int32_t>();
        if (!std::isfinite(m.energy) || m.visits < 0 || m.firstStep < 0) in.fail("minimum " + std::to_string(k) + " is out of range");
        w.minima.push_back(std::move(m));
    }
    const auto inRange = [&](std::int32_t i) { return i >= 0 && static_cast<std::size_t>(i) < minima; };
    const std::size_t quenches = in.count(12);
    for (std::size_t k = 0; k < quenches; ++k) {
        const auto is = in.get<std::int32_t>();
        const auto step = in.get<std::int64_t>();
        if (!inRange(is) || step < 0 || step > cp.step) in.fail("quench " + std::to_string(k) + " is out of range");
        w.sequence.push_back(is);
        w.sequenceStep.push_back(step);
    }
    const std::size_t transitions = in.count(12);
    for (std::size_t k = 0; k < transitions; ++k) {
        const auto a = in.get<std::int32_t>(), b = in.get<std::int32_t>(), c = in.get<std::int32_t>();
        if (!inRange(a) || !inRange(b) || a == b || c < 1) in.fail("transition " + std::to_string(k) + " is out of range");
        w.transitions[{a, b}] = c;
    }
    w.failedQuenches = in.get<std::int32_t>();
    if (w.failedQuenches < 0 || cp.step < 0 || cp.md.step != cp.step) in.fail("the step counters are inconsistent");
    if (!in.done()) in.fail("there are bytes after the walk");
    return cp;
}

} // namespace tlscope
