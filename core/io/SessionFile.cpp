#include "core/io/SessionFile.h"

#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/SafeWrite.h"
#include "core/tls/Displacement.h"
#include "core/model/Units.h"

#include <hdf5.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <tuple>

namespace tlscope {

namespace {

// 2: resolved reaction paths (IRC profile, 25 unwrapped images), barriers from each side and the
// two-level quantities (E_qs, localisation, Delta, Delta0) in place of "splitting".
constexpr int kFormatVersion = 2;
constexpr const char* kFormatName = "tlscope-session";
constexpr std::size_t kMessageLength = 160;

// TLScope closes every file it opens. HDF5's own exit handler would close what a failed writer
// deliberately left open, and crashes doing so (HDF5 1.10 after a failed flush): not registered.
// This must run before the library initialises, hence a static initialiser.
[[maybe_unused]] const herr_t kNoHdf5ExitHandler = H5dont_atexit();

// HDF5 prints its own error stack by default; our messages say what went wrong instead.
struct QuietHdf5 {
    QuietHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};

/// Owns an hid_t and closes it with the right function.
class Handle {
public:
    using Closer = herr_t (*)(hid_t);
    Handle() = default;
    Handle(hid_t id, Closer c) : id_(id), close_(c) {}
    Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = H5I_INVALID_HID; }
    Handle& operator=(Handle&& o) noexcept {
        if (this != &o) {
            reset();
            id_ = o.id_, close_ = o.close_;
            o.id_ = H5I_INVALID_HID;
        }
        return *this;
    }
    ~Handle() { reset(); }
    void reset() {
        if (id_ >= 0 && close_) close_(id_);
        id_ = H5I_INVALID_HID;
    }
    hid_t get() const { return id_; }
    /// Forgets the id without closing it (after a failed write HDF5 crashes in its close).
    void release() { id_ = H5I_INVALID_HID; }
    operator hid_t() const { return id_; }
    bool valid() const { return id_ >= 0; }

private:
    hid_t id_ = H5I_INVALID_HID;
    Closer close_ = nullptr;
};

Handle group(hid_t id) { return {id, H5Gclose}; }
Handle dataset(hid_t id) { return {id, H5Dclose}; }
Handle space(hid_t id) { return {id, H5Sclose}; }
Handle ptype(hid_t id) { return {id, H5Tclose}; }
Handle plist(hid_t id) { return {id, H5Pclose}; }

/// Creation property lists without modification times in the object headers: a session's bytes
/// depend only on its content (same seed, same file; tests compare whole files).
Handle untimedGroupPlist() {
    Handle p = plist(H5Pcreate(H5P_GROUP_CREATE));
    H5Pset_obj_track_times(p, false);
    return p;
}
Handle untimedDatasetPlist() {
    Handle p = plist(H5Pcreate(H5P_DATASET_CREATE));
    H5Pset_obj_track_times(p, false);
    return p;
}
Handle createGroup(hid_t loc, const char* name) {
    Handle gcpl = untimedGroupPlist();
    return Handle(H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose);
}
Handle attribute(hid_t id) { return {id, H5Aclose}; }

void check(herr_t status, const std::string& what) {
    if (status < 0) throw InputError(what);
}

// ----- rows of the tables -------------------------------------------------------------------

/// One analysed candidate pair of an exploration, accepted or not, with the reason.
struct PairRow {
    std::int32_t written; ///< 1 in every row TLScope wrote
    std::int32_t first, second, successive, accepted;
    char reason[240];
};

struct StartRow {
    std::int32_t written; ///< 1 in every row TLScope wrote; 0 (the fill value) where a write failed
    std::int32_t start, ok, attempts, returned, tooFar, tooAsymmetric, failed, minima, dwps, rejected;
    double energy;
    char message[kMessageLength];
};

struct MinimumRow {
    std::int32_t written;
    std::int32_t start, id, firstAttempt, findCount, status;
    double energy, d, dMw, asymmetry;
    char reason[kMessageLength];
};

struct DwpRow {
    std::int32_t written;
    std::int32_t start, minimum, findCount, centralParticle, centralSpecies, saddleIndex, isTls;
    std::int32_t level0Well, level1Well, profileCount, mirrored;
    std::int64_t profileOffset;
    double startEnergy, e1, e2, eSaddle, asymmetry, barrier, barrier1, barrier2, d, dMw, dRp, dMwRp,
        centralDisplacement, pr2, pr3, pr4;
    double eQs, eQsKelvin, level0, level1, level0Well1Weight, level1Well1Weight, groundWell1, groundWell2,
        quantumAsymmetry, quantumAsymmetryKelvin, delta0, delta0Kelvin, twoLevelEnergy, twoLevelEnergyKelvin,
        omega1, omega2, wkbAction, profileSaddle, profileMinimum2;
};

void copyString(char* dst, const std::string& s) {
    std::memset(dst, 0, kMessageLength);
    std::memcpy(dst, s.data(), std::min(s.size(), kMessageLength - 1));
}

std::string fromFixed(const char* s) { return std::string(s, strnlen(s, kMessageLength)); }

Handle stringType(std::size_t n) {
    Handle t = ptype(H5Tcopy(H5T_C_S1));
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    return t;
}

#define TL_FIELD(T, name, field, h5) H5Tinsert(t, name, HOFFSET(T, field), h5)

Handle pairRowType() {
    Handle t = ptype(H5Tcreate(H5T_COMPOUND, sizeof(PairRow)));
    TL_FIELD(PairRow, "written", written, H5T_NATIVE_INT32);
    TL_FIELD(PairRow, "first", first, H5T_NATIVE_INT32);
    TL_FIELD(PairRow, "second", second, H5T_NATIVE_INT32);
    TL_FIELD(PairRow, "successive", successive, H5T_NATIVE_INT32);
    TL_FIELD(PairRow, "accepted", accepted, H5T_NATIVE_INT32);
    Handle str = stringType(sizeof(PairRow::reason));
    TL_FIELD(PairRow, "reason", reason, str);
    return t;
}

Handle startRowType() {
    Handle t = ptype(H5Tcreate(H5T_COMPOUND, sizeof(StartRow)));
    TL_FIELD(StartRow, "written", written, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "start", start, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "ok", ok, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "attempts", attempts, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "returned_to_start", returned, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "too_far", tooFar, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "too_asymmetric", tooAsymmetric, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "failed_minimizations", failed, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "minima", minima, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "dwps", dwps, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "rejected", rejected, H5T_NATIVE_INT32);
    TL_FIELD(StartRow, "energy", energy, H5T_NATIVE_DOUBLE);
    Handle s = stringType(kMessageLength);
    TL_FIELD(StartRow, "message", message, s);
    return t;
}

Handle minimumRowType() {
    Handle t = ptype(H5Tcreate(H5T_COMPOUND, sizeof(MinimumRow)));
    TL_FIELD(MinimumRow, "written", written, H5T_NATIVE_INT32);
    TL_FIELD(MinimumRow, "start", start, H5T_NATIVE_INT32);
    TL_FIELD(MinimumRow, "id", id, H5T_NATIVE_INT32);
    TL_FIELD(MinimumRow, "first_attempt", firstAttempt, H5T_NATIVE_INT32);
    TL_FIELD(MinimumRow, "find_count", findCount, H5T_NATIVE_INT32);
    TL_FIELD(MinimumRow, "status", status, H5T_NATIVE_INT32);
    TL_FIELD(MinimumRow, "energy", energy, H5T_NATIVE_DOUBLE);
    TL_FIELD(MinimumRow, "d", d, H5T_NATIVE_DOUBLE);
    TL_FIELD(MinimumRow, "d_mw", dMw, H5T_NATIVE_DOUBLE);
    TL_FIELD(MinimumRow, "asymmetry", asymmetry, H5T_NATIVE_DOUBLE);
    Handle s = stringType(kMessageLength);
    TL_FIELD(MinimumRow, "reason", reason, s);
    return t;
}

Handle dwpRowType() {
    Handle t = ptype(H5Tcreate(H5T_COMPOUND, sizeof(DwpRow)));
    TL_FIELD(DwpRow, "written", written, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "start", start, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "minimum", minimum, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "find_count", findCount, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "central_particle", centralParticle, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "central_species", centralSpecies, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "saddle_index", saddleIndex, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "is_tls", isTls, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "level0_well", level0Well, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "level1_well", level1Well, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "profile_count", profileCount, H5T_NATIVE_INT32);
    TL_FIELD(DwpRow, "continuation_mirrored", mirrored, H5T_NATIVE_INT32); // bit 0: past minimum 1, bit 1: past minimum 2
    TL_FIELD(DwpRow, "profile_offset", profileOffset, H5T_NATIVE_INT64);
    TL_FIELD(DwpRow, "start_energy", startEnergy, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "e1", e1, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "e2", e2, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "e_saddle", eSaddle, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "asymmetry", asymmetry, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "barrier", barrier, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "barrier1", barrier1, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "barrier2", barrier2, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "d", d, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "d_mw", dMw, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "d_rp", dRp, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "d_mw_rp", dMwRp, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "central_displacement", centralDisplacement, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "pr2", pr2, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "pr3", pr3, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "pr4", pr4, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "e_qs", eQs, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "e_qs_kelvin", eQsKelvin, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "level0", level0, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "level1", level1, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "level0_weight_well1", level0Well1Weight, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "level1_weight_well1", level1Well1Weight, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "ground_well1", groundWell1, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "ground_well2", groundWell2, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "quantum_asymmetry", quantumAsymmetry, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "quantum_asymmetry_kelvin", quantumAsymmetryKelvin, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "delta0_wkb", delta0, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "delta0_wkb_kelvin", delta0Kelvin, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "two_level_energy", twoLevelEnergy, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "two_level_energy_kelvin", twoLevelEnergyKelvin, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "omega1", omega1, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "omega2", omega2, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "wkb_action", wkbAction, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "profile_s_saddle", profileSaddle, H5T_NATIVE_DOUBLE);
    TL_FIELD(DwpRow, "profile_s_minimum2", profileMinimum2, H5T_NATIVE_DOUBLE);
    return t;
}
#undef TL_FIELD

// ----- attributes and text ------------------------------------------------------------------

void writeStringAttribute(hid_t obj, const char* name, const std::string& value) {
    Handle t = stringType(value.size() + 1);
    Handle sp = space(H5Screate(H5S_SCALAR));
    Handle a = attribute(H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT));
    check(H5Awrite(a, t, value.c_str()), std::string("cannot write attribute ") + name);
}

void writeIntAttribute(hid_t obj, const char* name, const std::vector<int>& v) {
    const hsize_t n = v.size();
    Handle sp = space(H5Screate_simple(1, &n, nullptr));
    Handle a = attribute(H5Acreate2(obj, name, H5T_NATIVE_INT, sp, H5P_DEFAULT, H5P_DEFAULT));
    check(H5Awrite(a, H5T_NATIVE_INT, v.data()), std::string("cannot write attribute ") + name);
}

std::string readStringAttribute(hid_t obj, const char* name, const std::string& where) {
    if (H5Aexists(obj, name) <= 0) throw InputError(where + ": attribute '" + name + "' is missing");
    Handle a = attribute(H5Aopen(obj, name, H5P_DEFAULT));
    Handle t = ptype(H5Aget_type(a));
    if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0)
        throw InputError(where + ": attribute '" + name + "' is not a fixed-length string");
    std::string s(H5Tget_size(t), '\0');
    Handle mem = stringType(s.size());
    check(H5Aread(a, mem, s.data()), where + ": cannot read attribute " + name);
    return s.substr(0, strnlen(s.c_str(), s.size()));
}

void writeTextDataset(hid_t loc, const char* name, const std::string& text) {
    Handle t = stringType(text.size() + 1);
    Handle sp = space(H5Screate(H5S_SCALAR));
    Handle dcpl = untimedDatasetPlist();
    Handle d = dataset(H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
    check(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.c_str()), std::string("cannot write ") + name);
}

std::string readTextDataset(hid_t loc, const char* name, const std::string& where) {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) throw InputError(where + ": '" + name + "' is missing");
    Handle d = dataset(H5Dopen2(loc, name, H5P_DEFAULT));
    Handle t = ptype(H5Dget_type(d));
    if (!d.valid() || H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) > 0)
        throw InputError(where + ": '" + name + "' is not a text dataset");
    std::string s(H5Tget_size(t), '\0');
    Handle mem = stringType(s.size());
    check(H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.data()), where + ": cannot read " + name);
    return s.substr(0, strnlen(s.c_str(), s.size()));
}

// ----- extendible datasets --------------------------------------------------------------------

/// A chunked dataset growing along its first dimension, one record at a time.
class Extendible {
public:
    Extendible() = default;
    Extendible(hid_t loc, const char* name, hid_t type, std::vector<hsize_t> inner)
        : inner_(std::move(inner)) {
        std::vector<hsize_t> dims{0}, maxDims{H5S_UNLIMITED}, chunk{1};
        for (hsize_t k : inner_) dims.push_back(k), maxDims.push_back(k), chunk.push_back(k);
        // Small records: chunk several together.
        hsize_t record = 1;
        for (hsize_t k : inner_) record *= k;
        chunk[0] = std::max<hsize_t>(1, std::min<hsize_t>(64, 4096 / std::max<hsize_t>(1, record)));
        Handle sp = space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxDims.data()));
        Handle cp = untimedDatasetPlist();
        H5Pset_chunk(cp, static_cast<int>(chunk.size()), chunk.data());
        // A checksum per chunk: a flipped bit in the data is an error on reading, not a wrong number.
        H5Pset_fletcher32(cp);
        ds_ = dataset(H5Dcreate2(loc, name, type, sp, H5P_DEFAULT, cp, H5P_DEFAULT));
        if (!ds_.valid()) throw InputError(std::string("cannot create dataset ") + name);
        type_ = ptype(H5Tcopy(type));
    }
    void append(const void* record) {
        std::vector<hsize_t> dims{count_ + 1}, start{count_}, size{1};
        for (hsize_t k : inner_) dims.push_back(k), start.push_back(0), size.push_back(k);
        check(H5Dset_extent(ds_, dims.data()), "cannot extend a dataset");
        Handle file = space(H5Dget_space(ds_));
        H5Sselect_hyperslab(file, H5S_SELECT_SET, start.data(), nullptr, size.data(), nullptr);
        Handle mem = space(H5Screate_simple(static_cast<int>(size.size()), size.data(), nullptr));
        if (H5Dwrite(ds_, type_, mem, file, H5P_DEFAULT, record) < 0) {
            dims[0] = count_; // take the unwritten record back out, if the file still lets us
            H5Dset_extent(ds_, dims.data());
            throw InputError("cannot write a record");
        }
        ++count_;
    }
    hsize_t count() const { return count_; }
    void release() { ds_.release(), type_.release(); }

private:
    Handle ds_, type_;
    std::vector<hsize_t> inner_;
    hsize_t count_ = 0;
};

/// Reads a whole dataset whose record shape must be `inner`; returns the record count.
/// Rows are extended, then written: a reader following a live writer may see the last row(s)
/// still at the fill value (written = 0). Those are dropped; an unwritten row followed by
/// written ones means a write failed in the middle of the file.
template <class Row>
void dropUnwrittenRows(std::vector<Row>& rows, const std::string& where, const char* table) {
    std::size_t k = 0;
    while (k < rows.size() && rows[k].written == 1) ++k;
    for (std::size_t j = k; j < rows.size(); ++j)
        if (rows[j].written != 0)
            throw InputError(where + ": " + table + " row " + std::to_string(k) + " was never written (damaged session file)");
    rows.resize(k);
}

template <class T>
hsize_t readAll(hid_t loc, const char* name, hid_t memType, const std::vector<hsize_t>& inner,
                std::vector<T>& out, const std::string& where) {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        throw InputError(where + ": dataset '" + name + "' is missing (damaged session file)");
    Handle d = dataset(H5Dopen2(loc, name, H5P_DEFAULT));
    if (!d.valid()) throw InputError(where + ": cannot open dataset '" + std::string(name) + "'");
    H5Drefresh(d); // pick up records a live writer appended
    Handle sp = space(H5Dget_space(d));
    const int rank = H5Sget_simple_extent_ndims(sp);
    if (rank != static_cast<int>(inner.size()) + 1)
        throw InputError(where + ": dataset '" + name + "' has the wrong shape (damaged session file)");
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
    std::size_t per = 1;
    for (std::size_t k = 0; k < inner.size(); ++k) {
        if (dims[k + 1] != inner[k])
            throw InputError(where + ": dataset '" + name + "' has records of the wrong size (damaged session file)");
        per *= inner[k];
    }
    out.resize(static_cast<std::size_t>(dims[0]) * per);
    if (dims[0] > 0 && H5Dread(d, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw InputError(where + ": cannot read dataset '" + std::string(name) + "' (damaged session file)");
    return dims[0];
}

std::string creatorString() { return std::string("TLScope ") + TLSCOPE_VERSION; }

} // namespace

// ---------------------------------------------------------------------------------------------
// Writer

struct SessionWriter::Impl {
    QuietHdf5 quiet;
    Handle file;
    Extendible isPosition, isSpecies, isStep, isEnergy, isEnergyStep;
    Extendible starts, minima, minimaPositions;
    Extendible dwp, dwpSpecies, dwpMin1, dwpMin2, dwpSaddle, dwpProfile, dwpPath, dwpPathS, dwpPathE, dwpEnergyProfile;
    Extendible isDiameter, dwpDiameter; ///< only for models with per-particle diameters
    UnitMapping units;                   ///< of the session's model: the *_kelvin columns
    Extendible exSequence, exStep, exEnergy, exVisits, exFirstStep, exPositions, exTransitions, exDwpPairs; ///< explorations
    Extendible exWalkDone, exPairs;
    bool diameters = false;
    Handle startType, minimumType, dwpType;
    int n = 0;
    std::map<int, StartingStructure> pendingStarts;
    std::mutex mutex;
    std::string path;
    bool failed = false; ///< a write or flush failed: nothing more is written, nothing is closed

    ~Impl() {
        if (!failed) return;
        // HDF5 1.10 crashes in H5Fclose after a failed flush (seen with a file-size limit): the
        // process is about to report the failure and exit, so leave the handles to the OS.
        for (Extendible* e : {&isPosition, &isSpecies, &isStep, &isEnergy, &isEnergyStep, &starts, &minima,
                              &minimaPositions, &dwp, &dwpSpecies, &dwpMin1, &dwpMin2, &dwpSaddle, &dwpProfile,
                              &dwpPath, &dwpPathS, &dwpPathE, &dwpEnergyProfile, &isDiameter, &dwpDiameter, &exSequence,
                              &exStep, &exEnergy, &exVisits, &exFirstStep, &exPositions, &exTransitions, &exDwpPairs, &exWalkDone, &exPairs})
            e->release();
        startType.release(), minimumType.release(), dwpType.release(), file.release();
    }

    void flush() { check(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush"); }

    /// Runs a write; after any failure the writer refuses further writes with one clear message.
    template <class F> void guarded(F&& write) {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); // the error stack is per thread
        if (failed) throw InputError(message());
        try {
            write();
        } catch (const InputError&) {
            failed = true;
            throw InputError(message());
        }
    }
    std::string message() const {
        return path + ": writing the session failed (disk full or a file-size limit?); every start finished "
                      "before this is in the file; free space and continue with --resume";
    }

    /// One value per particle (zeros where the record has none: the reader rejects those).
    std::vector<double> perParticle(const std::vector<double>& v) const {
        std::vector<double> out(static_cast<std::size_t>(n), 0.0);
        if (static_cast<int>(v.size()) == n) std::copy(v.begin(), v.end(), out.begin());
        return out;
    }

    void appendStart(const StartingStructure& is, const StartSummary& s, const std::vector<FoundMinimum>& mins) {
        // Minima first, then the structure, then the start row: a reader that sees the row
        // sees everything it refers to.
        for (const FoundMinimum& m : mins) {
            MinimumRow row{};
            row.written = 1;
            row.start = m.start, row.id = m.id, row.firstAttempt = m.firstAttempt, row.findCount = m.findCount;
            row.status = static_cast<std::int32_t>(m.status);
            row.energy = m.energy, row.d = m.d, row.dMw = m.dMassWeighted, row.asymmetry = m.asymmetry;
            copyString(row.reason, m.reason);
            std::vector<double> pos(static_cast<std::size_t>(3 * n), 0.0);
            if (m.positions.size() == 3 * n) std::copy(m.positions.begin(), m.positions.end(), pos.begin());
            minimaPositions.append(pos.data());
            minima.append(&row);
        }
        std::vector<double> pos(static_cast<std::size_t>(3 * n), 0.0);
        std::vector<std::int32_t> species(static_cast<std::size_t>(n), 0);
        if (is.positions.size() == 3 * n) std::copy(is.positions.begin(), is.positions.end(), pos.begin());
        if (static_cast<int>(is.species.size()) == n) std::copy(is.species.begin(), is.species.end(), species.begin());
        const std::int64_t step = s.start;
        isPosition.append(pos.data());
        isSpecies.append(species.data());
        if (diameters) isDiameter.append(perParticle(is.diameters).data());
        isStep.append(&step);
        isEnergy.append(&s.energy);
        isEnergyStep.append(&step);
        StartRow row{};
        row.written = 1;
        row.start = s.start, row.ok = s.ok ? 1 : 0, row.attempts = s.attempts, row.returned = s.returnedToStart;
        row.tooFar = s.tooFar, row.tooAsymmetric = s.tooAsymmetric, row.failed = s.failedMinimizations;
        row.minima = s.minima, row.dwps = s.doubleWells, row.rejected = s.rejected, row.energy = s.energy;
        copyString(row.message, s.message);
        starts.append(&row);
        flush();
    }

    void appendDwp(const DwpRecord& r) {
        const DoubleWell& w = r.dwp;
        auto vec = [&](const Eigen::VectorXd& v) {
            std::vector<double> out(static_cast<std::size_t>(3 * n), 0.0);
            if (v.size() == 3 * n) std::copy(v.begin(), v.end(), out.begin());
            return out;
        };
        // The species of the system: every start shuffles them, so each DWP carries its own.
        std::vector<std::int32_t> species(static_cast<std::size_t>(n), 0);
        if (static_cast<int>(r.species.size()) == n) std::copy(r.species.begin(), r.species.end(), species.begin());
        dwpSpecies.append(species.data());
        if (diameters) dwpDiameter.append(perParticle(r.diameters).data());
        dwpMin1.append(vec(w.minimum1).data());
        dwpMin2.append(vec(w.minimum2).data());
        dwpSaddle.append(vec(w.saddle).data());
        std::vector<double> profile(static_cast<std::size_t>(n), 0.0);
        std::copy_n(w.sortedProfile.begin(), std::min<std::size_t>(w.sortedProfile.size(), profile.size()), profile.begin());
        dwpProfile.append(profile.data());
        std::vector<double> path(static_cast<std::size_t>(kStoredPathImages * 3 * n), 0.0), ps(kStoredPathImages, 0.0),
            pe(kStoredPathImages, 0.0);
        for (std::size_t k = 0; k < std::min<std::size_t>(kStoredPathImages, w.pathImages.size()); ++k) {
            if (w.pathImages[k].size() == 3 * n) std::copy(w.pathImages[k].begin(), w.pathImages[k].end(), path.begin() + static_cast<long>(k) * 3 * n);
            if (k < w.pathImageS.size()) ps[k] = w.pathImageS[k];
            if (k < w.pathImageEnergy.size()) pe[k] = w.pathImageEnergy[k];
        }
        dwpPath.append(path.data());
        dwpPathS.append(ps.data());
        dwpPathE.append(pe.data());
        // The resolved V(s): (s, V) records, this DWP's run at profile_offset.
        const std::int64_t offset = static_cast<std::int64_t>(dwpEnergyProfile.count());
        for (std::size_t k = 0; k < w.profile.s.size(); ++k) {
            const double point[2] = {w.profile.s[k], w.profile.energy[k]};
            dwpEnergyProfile.append(point);
        }
        DwpRow row{};
        row.written = 1;
        row.profileOffset = offset;
        row.profileCount = static_cast<std::int32_t>(w.profile.s.size());
        row.profileSaddle = w.profileSaddle, row.profileMinimum2 = w.profileMinimum2;
        row.mirrored = (w.mirrored1 ? 1 : 0) | (w.mirrored2 ? 2 : 0);
        row.start = r.start, row.minimum = r.minimum, row.findCount = r.findCount;
        row.centralParticle = w.centralParticle, row.centralSpecies = w.centralSpecies;
        row.saddleIndex = w.saddleIndex, row.isTls = w.isTls ? 1 : 0;
        row.startEnergy = r.startEnergy, row.e1 = w.e1, row.e2 = w.e2, row.eSaddle = w.eSaddle;
        row.asymmetry = w.asymmetry, row.barrier = w.barrier, row.d = w.d, row.dMw = w.dMassWeighted;
        row.barrier1 = w.barrier1, row.barrier2 = w.barrier2;
        row.dRp = w.dReactionPath, row.dMwRp = w.dMassWeightedReactionPath;
        row.centralDisplacement = w.centralDisplacement, row.pr2 = w.pr2, row.pr3 = w.pr3, row.pr4 = w.pr4;
        const QuantumLevels& q = w.quantum;
        row.eQs = q.splitting, row.eQsKelvin = units.toKelvin(q.splitting);
        row.level0 = q.e0, row.level1 = q.e1;
        row.level0Well = static_cast<std::int32_t>(q.level0), row.level1Well = static_cast<std::int32_t>(q.level1);
        row.level0Well1Weight = q.level0Well1, row.level1Well1Weight = q.level1Well1;
        row.groundWell1 = q.groundWell1, row.groundWell2 = q.groundWell2;
        row.quantumAsymmetry = q.quantumAsymmetry, row.quantumAsymmetryKelvin = units.toKelvin(q.quantumAsymmetry);
        row.delta0 = q.delta0, row.delta0Kelvin = units.toKelvin(q.delta0);
        row.twoLevelEnergy = q.twoLevelEnergy, row.twoLevelEnergyKelvin = units.toKelvin(q.twoLevelEnergy);
        row.omega1 = q.omega1, row.omega2 = q.omega2, row.wkbAction = q.wkbAction;
        dwp.append(&row); // last: the row count is what readers trust
        flush();
    }
};

SessionWriter::SessionWriter(const std::string& path, const SearchParameters& p) : SessionWriter(path, p, std::string()) {}

SessionWriter::SessionWriter(const std::string& path, const SearchParameters& p, const std::string& exploration)
    : d_(std::make_unique<Impl>()), path_(path) {
    Impl& d = *d_;
    d.n = p.particles;
    d.path = path;
    d.units = p.model.units;
    const hsize_t n = static_cast<hsize_t>(p.particles);
    Handle fapl = plist(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST); // required for SWMR
    Handle fcpl = plist(H5Pcreate(H5P_FILE_CREATE));
    H5Pset_obj_track_times(fcpl, false); // the root group, too
    d.file = Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl, fapl), H5Fclose);
    if (!d.file.valid()) throw InputError(path + ": cannot create the session file (check the directory and permissions)");

    Handle h5md = createGroup(d.file, "h5md");
    writeIntAttribute(h5md, "version", {1, 1});
    {
        Handle author = createGroup(h5md, "author");
        const char* user = std::getenv("USER");
        writeStringAttribute(author, "name", user && *user ? user : "unknown");
        Handle creator = createGroup(h5md, "creator");
        writeStringAttribute(creator, "name", "TLScope");
        writeStringAttribute(creator, "version", TLSCOPE_VERSION);
    }
    Handle particles = createGroup(d.file, "particles");
    Handle isGroup = createGroup(particles, "inherent_structures");
    {
        Handle box = createGroup(isGroup, "box");
        writeIntAttribute(box, "dimension", {3});
        const hsize_t three = 3;
        Handle st = stringType(9);
        Handle sp = space(H5Screate_simple(1, &three, nullptr));
        Handle a = attribute(H5Acreate2(box, "boundary", st, sp, H5P_DEFAULT, H5P_DEFAULT));
        const char b[3][9] = {"periodic", "periodic", "periodic"};
        H5Awrite(a, st, b);
        const double L = p.model.boxLengthFor(p.particles);
        const double edges[3] = {L, L, L};
        Handle dcpl = untimedDatasetPlist();
        Handle ds = dataset(H5Dcreate2(box, "edges", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT));
        H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, edges);
        Handle pos = createGroup(isGroup, "position");
        d.isPosition = Extendible(pos, "value", H5T_NATIVE_DOUBLE, {n, 3});
        d.isStep = Extendible(pos, "step", H5T_NATIVE_INT64, {});
        Handle spg = createGroup(isGroup, "species");
        d.isSpecies = Extendible(spg, "value", H5T_NATIVE_INT32, {n});
        // H5MD allows a shared step dataset as a hard link.
        H5Lcreate_hard(pos, "step", spg, "step", H5P_DEFAULT, H5P_DEFAULT);
        if (p.model.perParticleDiameters()) {
            // Per-particle model data of H5MD: a time-dependent "diameter" element like species.
            Handle dg = createGroup(isGroup, "diameter");
            d.isDiameter = Extendible(dg, "value", H5T_NATIVE_DOUBLE, {n});
            H5Lcreate_hard(pos, "step", dg, "step", H5P_DEFAULT, H5P_DEFAULT);
            d.diameters = true;
        }
    }
    Handle observables = createGroup(d.file, "observables");
    {
        Handle og = createGroup(observables, "inherent_structures");
        Handle pe = createGroup(og, "potential_energy");
        d.isEnergy = Extendible(pe, "value", H5T_NATIVE_DOUBLE, {});
        d.isEnergyStep = Extendible(pe, "step", H5T_NATIVE_INT64, {});
    }
    Handle t = createGroup(d.file, "tlscope");
    writeStringAttribute(t, "format", kFormatName);
    writeIntAttribute(t, "format_version", {kFormatVersion});
    writeStringAttribute(t, "creator", creatorString());
    writeTextDataset(t, "model", p.model.serialize());
    writeTextDataset(t, "parameters", p.serialize());
    d.startType = startRowType();
    d.minimumType = minimumRowType();
    d.dwpType = dwpRowType();
    d.starts = Extendible(t, "starts", d.startType, {});
    d.minima = Extendible(t, "minima", d.minimumType, {});
    d.minimaPositions = Extendible(t, "minima_positions", H5T_NATIVE_DOUBLE, {3 * n});
    d.dwpSpecies = Extendible(t, "dwp_species", H5T_NATIVE_INT32, {n});
    if (d.diameters) d.dwpDiameter = Extendible(t, "dwp_diameter", H5T_NATIVE_DOUBLE, {n});
    d.dwpMin1 = Extendible(t, "dwp_minimum1", H5T_NATIVE_DOUBLE, {3 * n});
    d.dwpMin2 = Extendible(t, "dwp_minimum2", H5T_NATIVE_DOUBLE, {3 * n});
    d.dwpSaddle = Extendible(t, "dwp_saddle", H5T_NATIVE_DOUBLE, {3 * n});
    d.dwpProfile = Extendible(t, "dwp_sorted_profile", H5T_NATIVE_DOUBLE, {n});
    d.dwpPath = Extendible(t, "dwp_path_positions", H5T_NATIVE_DOUBLE, {kStoredPathImages, 3 * n});
    d.dwpPathS = Extendible(t, "dwp_path_s", H5T_NATIVE_DOUBLE, {kStoredPathImages});
    d.dwpPathE = Extendible(t, "dwp_path_energy", H5T_NATIVE_DOUBLE, {kStoredPathImages});
    d.dwpEnergyProfile = Extendible(t, "dwp_energy_profile", H5T_NATIVE_DOUBLE, {2});
    d.dwp = Extendible(t, "dwp", d.dwpType, {});
    if (!exploration.empty()) {
        Handle ex = createGroup(t, "exploration");
        writeTextDataset(ex, "parameters", exploration);
        d.exSequence = Extendible(ex, "is_sequence", H5T_NATIVE_INT32, {});
        d.exStep = Extendible(ex, "is_step", H5T_NATIVE_INT64, {});
        d.exEnergy = Extendible(ex, "is_energy", H5T_NATIVE_DOUBLE, {});
        d.exVisits = Extendible(ex, "is_visits", H5T_NATIVE_INT32, {});
        d.exFirstStep = Extendible(ex, "is_first_step", H5T_NATIVE_INT64, {});
        d.exPositions = Extendible(ex, "is_positions", H5T_NATIVE_DOUBLE, {3 * n});
        d.exTransitions = Extendible(ex, "transitions", H5T_NATIVE_INT32, {3});
        d.exDwpPairs = Extendible(ex, "dwp_pairs", H5T_NATIVE_INT32, {2});
        d.exWalkDone = Extendible(ex, "walk_complete", H5T_NATIVE_INT32, {});
        Handle pairType = pairRowType();
        d.exPairs = Extendible(ex, "pairs", pairType, {});
    }
    // From here on only datasets grow: readers may open the file at any time.
    if (H5Fstart_swmr_write(d.file) < 0) throw InputError(path + ": cannot start single-writer/multiple-reader mode");
}

SessionWriter::~SessionWriter() { close(); }

void SessionWriter::close() {
    if (!d_) return;
    std::lock_guard lock(d_->mutex);
    d_.reset();
}

void SessionWriter::writeExploration(const MetabasinWalk& w) {
    std::lock_guard lock(d_->mutex);
    Impl& d = *d_;
    d.guarded([&] {
        // The distinct IS first, then the sequence that refers to them, then the transitions.
        for (const VisitedMinimum& m : w.minima) {
            if (m.positions.size() != 3 * d.n) throw InputError("an explored minimum has the wrong size");
            d.exPositions.append(m.positions.data());
            d.exEnergy.append(&m.energy);
            const std::int32_t visits = m.visits;
            const std::int64_t first = m.firstStep;
            d.exVisits.append(&visits);
            d.exFirstStep.append(&first);
        }
        for (std::size_t k = 0; k < w.sequence.size(); ++k) {
            const std::int32_t is = w.sequence[k];
            const std::int64_t step = w.sequenceStep[k];
            d.exStep.append(&step);
            d.exSequence.append(&is);
        }
        for (const auto& [key, count] : w.transitions) {
            const std::int32_t row[3] = {key.first, key.second, count};
            d.exTransitions.append(row);
        }
        d.flush();
        const std::int32_t one = 1; // last: a reader that sees it has the whole walk
        d.exWalkDone.append(&one);
        d.flush();
    });
}

void SessionWriter::onExplorationPair(const PairAnalysis& a) {
    std::lock_guard lock(d_->mutex);
    d_->guarded([&] {
        PairRow row{};
        row.written = 1, row.first = a.first, row.second = a.second;
        row.successive = a.successive ? 1 : 0, row.accepted = a.accepted ? 1 : 0;
        std::strncpy(row.reason, a.reason.c_str(), sizeof row.reason - 1);
        d_->exPairs.append(&row);
        d_->flush();
    });
}

void SessionWriter::onExplorationDoubleWell(const DwpRecord& r, int first, int second) {
    std::lock_guard lock(d_->mutex);
    d_->guarded([&] {
        const std::int32_t pair[2] = {first, second};
        d_->exDwpPairs.append(pair); // before the row: a reader that sees the row sees its pair
        d_->appendDwp(r);
    });
}

void SessionWriter::onStartingStructure(const StartingStructure& s) {
    std::lock_guard lock(d_->mutex);
    d_->pendingStarts[s.start] = s;
}

void SessionWriter::onDoubleWell(const DwpRecord& r) {
    std::lock_guard lock(d_->mutex);
    d_->guarded([&] { d_->appendDwp(r); });
}

void SessionWriter::onStartCompleted(const StartSummary& s, const std::vector<FoundMinimum>& minima) {
    std::lock_guard lock(d_->mutex);
    StartingStructure is;
    if (auto it = d_->pendingStarts.find(s.start); it != d_->pendingStarts.end()) {
        is = std::move(it->second);
        d_->pendingStarts.erase(it);
    }
    is.start = s.start;
    d_->guarded([&] { d_->appendStart(is, s, minima); });
}

void SessionWriter::copyFinished(const SessionData& earlier) {
    std::lock_guard lock(d_->mutex);
    d_->guarded([&] {
        for (std::size_t k = 0; k < earlier.doubleWells.size(); ++k)
            if (earlier.doubleWellStartFinished[k]) d_->appendDwp(earlier.doubleWells[k]);
        for (std::size_t k = 0; k < earlier.starts.size(); ++k) {
            std::vector<FoundMinimum> mins;
            for (const FoundMinimum& m : earlier.minima)
                if (m.start == earlier.starts[k].start) mins.push_back(m);
            d_->appendStart(earlier.starts[k], earlier.summaries[k], mins);
        }
    });
}

bool SessionWriter::failed() const { return d_ && d_->failed; }

// ---------------------------------------------------------------------------------------------
// Reader

std::vector<int> SessionData::finishedStarts() const {
    std::vector<int> out;
    for (const auto& s : starts) out.push_back(s.start);
    return out;
}

SessionData readSession(const std::string& path, const SessionReadOptions& options) {
    QuietHdf5 quiet;
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path + ": no such file");
    if (fs::is_directory(path, ec)) throw InputError(path + ": is a directory, not a session file");
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw InputError(path + ": not an HDF5 file (a TLScope session is an HDF5 file written by 'tlscope-cli search' or 'explore')");
    Handle fapl = plist(H5Pcreate(H5P_FILE_ACCESS));
    H5Pset_file_locking(fapl, false, true); // follow a file another process is writing
    // A file no writer holds opens without SWMR, where a bad checksum fails at once. Only a file
    // marked as being written (by a live writer, or one that was killed) needs SWMR reading, whose
    // metadata reads retry with back-off (100 times by default: a damaged file took minutes);
    // a few attempts are enough to ride out a writer's flush.
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl), H5Fclose);
    if (!file.valid()) {
        H5Pset_metadata_read_attempts(fapl, 4);
        file = Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY | H5F_ACC_SWMR_READ, fapl), H5Fclose);
    }
    if (!file.valid()) throw InputError(path + ": the HDF5 file cannot be opened (damaged or truncated)");
    if (H5Lexists(file, "tlscope", H5P_DEFAULT) <= 0)
        throw InputError(path + ": an HDF5 file, but not a TLScope session (no /tlscope group)");
    Handle t = group(H5Gopen2(file, "tlscope", H5P_DEFAULT));
    const std::string where = path + ": /tlscope";
    if (readStringAttribute(t, "format", where) != kFormatName)
        throw InputError(path + ": an HDF5 file, but not a TLScope session (wrong /tlscope format)");
    {
        Handle a = attribute(H5Aopen(t, "format_version", H5P_DEFAULT));
        int version = 0;
        if (!a.valid() || H5Aread(a, H5T_NATIVE_INT, &version) < 0)
            throw InputError(where + ": format_version is missing (damaged session file)");
        if (version > kFormatVersion)
            throw InputError(path + ": session format version " + std::to_string(version) +
                             " is newer than this TLScope understands (" + std::to_string(kFormatVersion) + ")");
        if (version < kFormatVersion)
            throw InputError(path + ": session format version " + std::to_string(version) +
                             " was written by an older TLScope whose tunnel splittings came from 9-image paths "
                             "(docs/quantum.md); run the search again to get resolved paths");
    }
    SessionData s;
    s.path = path;
    s.creator = readStringAttribute(t, "creator", where);
    const Model model = Model::parse(readTextDataset(t, "model", where), path + ":/tlscope/model");
    s.parameters = SearchParameters::parse(readTextDataset(t, "parameters", where), model, path + ":/tlscope/parameters");
    try {
        s.parameters.validate();
    } catch (const InputError& e) {
        throw InputError(path + ":/tlscope/parameters: " + e.what() + " (damaged session file)");
    }
    const hsize_t n = static_cast<hsize_t>(s.parameters.particles);
    if (n < 2) throw InputError(where + ": particle count is missing (damaged session file)");

    // Starts (and their inherent structures): only rows whose structure is complete.
    std::vector<StartRow> startRows;
    std::vector<double> isPos, isEnergy;
    std::vector<std::int32_t> isSpecies;
    readAll(t, "starts", startRowType(), {}, startRows, where);
    dropUnwrittenRows(startRows, where, "start");
    Handle isGroup = group(H5Gopen2(file, "particles/inherent_structures", H5P_DEFAULT));
    if (!isGroup.valid()) throw InputError(path + ": /particles/inherent_structures is missing (damaged session file)");
    const hsize_t nPos = readAll(isGroup, "position/value", H5T_NATIVE_DOUBLE, {n, 3}, isPos, path);
    const hsize_t nSpecies = readAll(isGroup, "species/value", H5T_NATIVE_INT32, {n}, isSpecies, path);
    const double L = s.parameters.model.boxLengthFor(s.parameters.particles);
    const bool diameters = s.parameters.model.perParticleDiameters();
    std::vector<double> isDiameter;
    const hsize_t nDiameter = diameters ? readAll(isGroup, "diameter/value", H5T_NATIVE_DOUBLE, {n}, isDiameter, path) : nPos;
    for (double x : isDiameter)
        if (!(x > 0.0) || !std::isfinite(x)) throw InputError(where + ": an inherent-structure diameter is not a finite value > 0 (damaged session file)");
    const std::size_t startCount = std::min<std::size_t>({startRows.size(), nPos, nSpecies, nDiameter});
    // Every index, count and enum from the file is checked against the rest of the file before
    // it is used (one flipped bit made a species index 8 and crashed the exporter).
    const int speciesCount = s.parameters.model.speciesCount();
    const int n_ = s.parameters.particles;
    auto damaged = [&](const std::string& what) { throw InputError(where + ": " + what + " (damaged session file)"); };
    auto checkSpecies = [&](const std::vector<std::int32_t>& v, std::size_t rows, const char* name) {
        for (std::size_t k = 0; k < rows * n && k < v.size(); ++k)
            if (v[k] < 0 || v[k] >= speciesCount)
                damaged(std::string(name) + " row " + std::to_string(k / n) + " has species index " + std::to_string(v[k]));
    };
    checkSpecies(isSpecies, startCount, "inherent_structures/species");
    for (std::size_t k = 0; k < startCount; ++k) {
        const StartRow& r = startRows[k];
        if (r.start < 0 || r.start >= s.parameters.starts || (r.ok != 0 && r.ok != 1) || r.attempts < 0 || r.minima < 0 ||
            r.dwps < 0 || r.rejected < 0 || r.returned < 0 || r.tooFar < 0 || r.tooAsymmetric < 0 || r.failed < 0 ||
            (r.ok && !std::isfinite(r.energy)))
            damaged("start row " + std::to_string(k) + " is out of range");
    }
    for (double x : isPos)
        if (!std::isfinite(x)) damaged("an inherent-structure position is not finite");
    for (std::size_t k = 0; k < startCount; ++k) {
        const StartRow& r = startRows[k];
        StartingStructure is;
        is.start = r.start, is.energy = r.energy, is.boxLength = L, is.ok = r.ok != 0, is.message = fromFixed(r.message);
        is.positions = Eigen::Map<const Eigen::VectorXd>(isPos.data() + k * 3 * n, static_cast<Eigen::Index>(3 * n));
        is.species.assign(isSpecies.begin() + static_cast<long>(k * n), isSpecies.begin() + static_cast<long>((k + 1) * n));
        if (diameters)
            is.diameters.assign(isDiameter.begin() + static_cast<long>(k * n), isDiameter.begin() + static_cast<long>((k + 1) * n));
        StartSummary sum;
        sum.start = r.start, sum.ok = r.ok != 0, sum.message = is.message, sum.energy = r.energy;
        sum.attempts = r.attempts, sum.returnedToStart = r.returned, sum.tooFar = r.tooFar;
        sum.tooAsymmetric = r.tooAsymmetric, sum.failedMinimizations = r.failed, sum.minima = r.minima;
        sum.doubleWells = r.dwps, sum.rejected = r.rejected;
        s.starts.push_back(std::move(is));
        s.summaries.push_back(sum);
    }
    std::vector<std::size_t> order(s.starts.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return s.starts[a].start < s.starts[b].start; });
    {
        std::vector<StartingStructure> st;
        std::vector<StartSummary> su;
        for (std::size_t k : order) st.push_back(s.starts[k]), su.push_back(s.summaries[k]);
        s.starts = std::move(st), s.summaries = std::move(su);
    }
    auto finished = [&](int start) {
        return std::any_of(s.starts.begin(), s.starts.end(), [&](const StartingStructure& x) { return x.start == start; });
    };

    // Minima of finished starts.
    std::vector<MinimumRow> minRows;
    std::vector<double> minPos;
    readAll(t, "minima", minimumRowType(), {}, minRows, where);
    dropUnwrittenRows(minRows, where, "minimum");
    const hsize_t nMinPos = options.minimaPositions ? readAll(t, "minima_positions", H5T_NATIVE_DOUBLE, {3 * n}, minPos, where) : 0;
    for (std::size_t k = 0; k < minRows.size(); ++k) {
        const MinimumRow& r = minRows[k];
        if (r.start < 0 || r.start >= s.parameters.starts || r.id < 0 || r.findCount < 0 || r.status < 0 || r.status > 2 ||
            !std::isfinite(r.energy) || !std::isfinite(r.d) || !std::isfinite(r.dMw) || !std::isfinite(r.asymmetry))
            damaged("minimum row " + std::to_string(k) + " is out of range");
        if (!finished(r.start)) continue;
        FoundMinimum m;
        m.start = r.start, m.id = r.id, m.firstAttempt = r.firstAttempt, m.findCount = r.findCount;
        m.status = static_cast<MinimumStatus>(r.status), m.energy = r.energy, m.d = r.d;
        m.dMassWeighted = r.dMw, m.asymmetry = r.asymmetry, m.reason = fromFixed(r.reason);
        if (k < nMinPos) m.positions = Eigen::Map<const Eigen::VectorXd>(minPos.data() + k * 3 * n, static_cast<Eigen::Index>(3 * n));
        s.minima.push_back(std::move(m));
    }
    std::sort(s.minima.begin(), s.minima.end(), [](const FoundMinimum& a, const FoundMinimum& b) {
        return std::tie(a.start, a.id) < std::tie(b.start, b.id);
    });

    // DWPs: the row count decides; auxiliary datasets are written before the row.
    std::vector<DwpRow> rows;
    readAll(t, "dwp", dwpRowType(), {}, rows, where);
    dropUnwrittenRows(rows, where, "DWP");
    std::vector<std::int32_t> dSpecies;
    std::vector<double> m1, m2, sad, prof, path3, ps, pe, energyProfile;
    hsize_t available = rows.size();
    available = std::min(available, readAll(t, "dwp_sorted_profile", H5T_NATIVE_DOUBLE, {n}, prof, where));
    available = std::min(available, readAll(t, "dwp_species", H5T_NATIVE_INT32, {n}, dSpecies, where));
    std::vector<double> dDiameter;
    if (diameters) {
        available = std::min(available, readAll(t, "dwp_diameter", H5T_NATIVE_DOUBLE, {n}, dDiameter, where));
        for (double x : dDiameter)
            if (!(x > 0.0) || !std::isfinite(x)) damaged("a DWP diameter is not a finite value > 0");
    }
    if (options.paths) {
        available = std::min(available, readAll(t, "dwp_minimum1", H5T_NATIVE_DOUBLE, {3 * n}, m1, where));
        available = std::min(available, readAll(t, "dwp_minimum2", H5T_NATIVE_DOUBLE, {3 * n}, m2, where));
        available = std::min(available, readAll(t, "dwp_saddle", H5T_NATIVE_DOUBLE, {3 * n}, sad, where));
        available = std::min(available, readAll(t, "dwp_path_positions", H5T_NATIVE_DOUBLE, {kStoredPathImages, 3 * n}, path3, where));
        available = std::min(available, readAll(t, "dwp_path_s", H5T_NATIVE_DOUBLE, {kStoredPathImages}, ps, where));
        available = std::min(available, readAll(t, "dwp_path_energy", H5T_NATIVE_DOUBLE, {kStoredPathImages}, pe, where));
        readAll(t, "dwp_energy_profile", H5T_NATIVE_DOUBLE, {2}, energyProfile, where);
    }
    const auto N3 = static_cast<Eigen::Index>(3 * n);
    checkSpecies(dSpecies, available, "dwp_species");
    for (std::size_t k = 0; k < available; ++k) {
        const DwpRow& r = rows[k];
        if (r.start < 0 || r.start >= s.parameters.starts || r.minimum < 0 || r.findCount < 0 || r.centralParticle < 0 ||
            r.centralParticle >= n_ || r.centralSpecies < 0 || r.centralSpecies >= speciesCount || r.saddleIndex < 0 ||
            (r.isTls != 0 && r.isTls != 1) || !std::isfinite(r.e1) || !std::isfinite(r.e2) || !std::isfinite(r.eSaddle) ||
            !std::isfinite(r.asymmetry) || !std::isfinite(r.barrier) || !std::isfinite(r.eQs))
            damaged("DWP row " + std::to_string(k) + " is out of range");
        DwpRecord rec;
        rec.start = r.start, rec.minimum = r.minimum, rec.findCount = r.findCount, rec.startEnergy = r.startEnergy;
        rec.species.assign(dSpecies.begin() + static_cast<long>(k * n), dSpecies.begin() + static_cast<long>((k + 1) * n));
        if (diameters)
            rec.diameters.assign(dDiameter.begin() + static_cast<long>(k * n), dDiameter.begin() + static_cast<long>((k + 1) * n));
        DoubleWell& w = rec.dwp;
        w.centralParticle = r.centralParticle, w.centralSpecies = r.centralSpecies, w.saddleIndex = r.saddleIndex;
        w.isTls = r.isTls != 0, w.e1 = r.e1, w.e2 = r.e2, w.eSaddle = r.eSaddle, w.asymmetry = r.asymmetry;
        w.barrier = r.barrier, w.barrier1 = r.barrier1, w.barrier2 = r.barrier2;
        w.d = r.d, w.dMassWeighted = r.dMw, w.dReactionPath = r.dRp;
        w.dMassWeightedReactionPath = r.dMwRp, w.centralDisplacement = r.centralDisplacement;
        w.pr2 = r.pr2, w.pr3 = r.pr3, w.pr4 = r.pr4;
        QuantumLevels& q = w.quantum;
        q.splitting = r.eQs, q.e0 = r.level0, q.e1 = r.level1;
        auto where01 = [&](std::int32_t v) {
            if (v < 0 || v > 2) throw InputError(where + ": DWP row " + std::to_string(k) + " has a level localisation " + std::to_string(v) + " (expected 0, 1 or 2; damaged session file)");
            return static_cast<Localisation>(v);
        };
        q.level0 = where01(r.level0Well), q.level1 = where01(r.level1Well);
        q.level0Well1 = r.level0Well1Weight, q.level1Well1 = r.level1Well1Weight;
        q.groundWell1 = r.groundWell1, q.groundWell2 = r.groundWell2, q.quantumAsymmetry = r.quantumAsymmetry;
        q.delta0 = r.delta0, q.twoLevelEnergy = r.twoLevelEnergy;
        q.omega1 = r.omega1, q.omega2 = r.omega2, q.wkbAction = r.wkbAction;
        w.profileSaddle = r.profileSaddle, w.profileMinimum2 = r.profileMinimum2;
        w.mirrored1 = (r.mirrored & 1) != 0, w.mirrored2 = (r.mirrored & 2) != 0;
        w.sortedProfile.assign(prof.begin() + static_cast<long>(k * n), prof.begin() + static_cast<long>((k + 1) * n));
        if (options.paths) {
            w.minimum1 = Eigen::Map<const Eigen::VectorXd>(m1.data() + k * 3 * n, N3);
            w.minimum2 = Eigen::Map<const Eigen::VectorXd>(m2.data() + k * 3 * n, N3);
            w.saddle = Eigen::Map<const Eigen::VectorXd>(sad.data() + k * 3 * n, N3);
            for (int j = 0; j < kStoredPathImages; ++j) {
                w.pathImages.emplace_back(Eigen::Map<const Eigen::VectorXd>(path3.data() + (k * kStoredPathImages + j) * 3 * n, N3));
                w.pathImageS.push_back(ps[k * kStoredPathImages + j]);
                w.pathImageEnergy.push_back(pe[k * kStoredPathImages + j]);
            }
            const std::size_t points = energyProfile.size() / 2;
            if (r.profileOffset < 0 || r.profileCount < 0 ||
                static_cast<std::uint64_t>(r.profileOffset) + static_cast<std::uint64_t>(r.profileCount) > points)
                throw InputError(where + ": DWP row " + std::to_string(k) + " points outside dwp_energy_profile (damaged session file)");
            for (std::int32_t j = 0; j < r.profileCount; ++j) {
                const std::size_t at = 2 * (static_cast<std::size_t>(r.profileOffset) + static_cast<std::size_t>(j));
                w.profile.s.push_back(energyProfile[at]);
                w.profile.energy.push_back(energyProfile[at + 1]);
            }
        }
        s.doubleWells.push_back(std::move(rec));
    }
    std::sort(s.doubleWells.begin(), s.doubleWells.end(), [](const DwpRecord& a, const DwpRecord& b) {
        return std::tie(a.start, a.minimum) < std::tie(b.start, b.minimum);
    });
    for (const DwpRecord& r : s.doubleWells) s.doubleWellStartFinished.push_back(finished(r.start));
    if (H5Lexists(t, "exploration", H5P_DEFAULT) > 0) {
        Handle ex = group(H5Gopen2(t, "exploration", H5P_DEFAULT));
        const std::string at = where + ":/tlscope/exploration";
        SessionData::Exploration e;
        e.parameters = readTextDataset(ex, "parameters", at);
        std::vector<std::int32_t> seq, visits, transitions, pairs;
        std::vector<std::int64_t> steps, first;
        std::vector<double> energy, positions;
        const hsize_t nSeq = std::min(readAll(ex, "is_sequence", H5T_NATIVE_INT32, {}, seq, at),
                                      readAll(ex, "is_step", H5T_NATIVE_INT64, {}, steps, at));
        hsize_t nIs = readAll(ex, "is_energy", H5T_NATIVE_DOUBLE, {}, energy, at);
        nIs = std::min(nIs, readAll(ex, "is_visits", H5T_NATIVE_INT32, {}, visits, at));
        nIs = std::min(nIs, readAll(ex, "is_first_step", H5T_NATIVE_INT64, {}, first, at));
        nIs = std::min(nIs, readAll(ex, "is_positions", H5T_NATIVE_DOUBLE, {3 * n}, positions, at));
        const hsize_t nTr = readAll(ex, "transitions", H5T_NATIVE_INT32, {3}, transitions, at);
        const hsize_t nPairs = readAll(ex, "dwp_pairs", H5T_NATIVE_INT32, {2}, pairs, at);
        const auto inRange = [&](std::int32_t i) { return i >= 0 && static_cast<hsize_t>(i) < nIs; };
        for (hsize_t k = 0; k < nIs; ++k) {
            if (!std::isfinite(energy[k]) || visits[k] < 0) damaged("exploration minimum " + std::to_string(k) + " is out of range");
            VisitedMinimum m;
            m.positions = Eigen::Map<const Eigen::VectorXd>(positions.data() + k * 3 * n, N3);
            m.energy = energy[k], m.visits = visits[k], m.firstStep = first[k];
            e.walk.minima.push_back(std::move(m));
        }
        for (hsize_t k = 0; k < nSeq; ++k) {
            if (!inRange(seq[k])) damaged("exploration quench " + std::to_string(k) + " names IS " + std::to_string(seq[k]));
            e.walk.sequence.push_back(seq[k]);
            e.walk.sequenceStep.push_back(steps[k]);
        }
        for (hsize_t k = 0; k < nTr; ++k) {
            const std::int32_t* row = transitions.data() + 3 * k;
            if (!inRange(row[0]) || !inRange(row[1]) || row[2] < 1) damaged("exploration transition " + std::to_string(k) + " is out of range");
            e.walk.transitions[{row[0], row[1]}] = row[2];
        }
        for (hsize_t k = 0; k < std::min<hsize_t>(nPairs, s.doubleWells.size()); ++k) {
            if (!inRange(pairs[2 * k]) || !inRange(pairs[2 * k + 1])) damaged("exploration DWP pair " + std::to_string(k) + " is out of range");
            e.dwpPairs.emplace_back(pairs[2 * k], pairs[2 * k + 1]);
        }
        // Sessions of format 2 before resumable explorations have neither table: their walk was
        // written whole, and only the DWPs of the analyses are known.
        e.walkComplete = nSeq > 0;
        if (H5Lexists(ex, "walk_complete", H5P_DEFAULT) > 0) {
            std::vector<std::int32_t> doneRows;
            e.walkComplete = readAll(ex, "walk_complete", H5T_NATIVE_INT32, {}, doneRows, at) > 0 && doneRows[0] == 1;
        }
        if (H5Lexists(ex, "pairs", H5P_DEFAULT) > 0) {
            std::vector<PairRow> rows;
            const hsize_t nAnalysed = readAll(ex, "pairs", pairRowType(), {}, rows, at);
            for (hsize_t k = 0; k < nAnalysed; ++k) {
                const PairRow& row = rows[k];
                if (row.written != 1) break; // a row whose write failed: the analyses stop here
                if (!inRange(row.first) || !inRange(row.second) || row.first >= row.second || (row.successive & ~1) || (row.accepted & ~1))
                    damaged("exploration pair " + std::to_string(k) + " is out of range");
                PairAnalysis a;
                a.first = row.first, a.second = row.second, a.successive = row.successive == 1, a.accepted = row.accepted == 1;
                a.reason.assign(row.reason, strnlen(row.reason, sizeof row.reason));
                e.pairs.push_back(std::move(a));
            }
        }
        s.exploration = std::move(e);
    }
    return s;
}

SessionLock::SessionLock(const std::string& sessionPath) : path_(sessionPath + ".lock") {
    for (int attempt = 0; attempt < 3; ++attempt) {
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw InputError(sessionPath + ": cannot create the lock file " + path_ + ": " + std::strerror(errno));
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
            char holder[256] = {};
            const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
            ::close(fd_);
            fd_ = -1;
            std::string who = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : std::string("another process");
            while (!who.empty() && (who.back() == '\n' || who.back() == ' ')) who.pop_back();
            throw InputError(sessionPath + " is being written by " + who + " (lock " + path_ +
                             "); wait for that run to finish or stop it first");
        }
        // The previous holder may have unlinked the file between our open and flock: then we
        // hold a lock nobody else can see. Retry on the file now at the path.
        struct stat held {}, now {};
        if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &now) == 0 && held.st_ino == now.st_ino && held.st_dev == now.st_dev) {
            char host[128] = {};
            ::gethostname(host, sizeof host - 1);
            const std::string who = "process " + std::to_string(::getpid()) + " on " + host + "\n";
            if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, who.data(), who.size(), 0) < 0) {
                // The holder's name is a courtesy for the message above; the flock is the lock.
            }
            return;
        }
        ::close(fd_);
        fd_ = -1;
    }
    throw InputError(sessionPath + ": cannot take the lock " + path_ + " (it keeps changing)");
}

bool sessionBeingWritten(const std::string& sessionPath) {
    const std::string lock = sessionPath + ".lock";
    const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false; // no lock file: nobody writes
    // flock locks belong to the open file description: a second open of the same file conflicts
    // even within one process, so this also sees a lock held by this process.
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
    ::close(fd);
    return held;
}

SessionLock::~SessionLock() {
    if (fd_ < 0) return;
    ::unlink(path_.c_str()); // while still holding it: a waiter then retries on a fresh file
    ::close(fd_);
}

std::unique_ptr<SessionWriter> reopenForResume(const std::string& path, SessionData& earlier) {
    earlier = readSession(path);
    const std::string tmp = path + ".resume-tmp";
    std::unique_ptr<SessionWriter> writer;
    std::error_code ec;
    try {
        writer = std::make_unique<SessionWriter>(tmp, earlier.parameters);
        writer->copyFinished(earlier);
    } catch (const InputError& e) {
        // The original stays as it was; only the temporary goes.
        writer.reset();
        std::filesystem::remove(tmp, ec);
        throw InputError(path + ": cannot prepare the resumed session (" + e.what() + "); the file is unchanged");
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        writer.reset();
        std::filesystem::remove(tmp, ec);
        throw InputError(path + ": cannot replace the session file for resuming: " + ec.message());
    }
    return writer;
}

int mergeSessions(const std::vector<std::string>& inputs, const std::string& output) {
    if (inputs.empty()) throw InputError("merge: no session files given");
    SessionData merged;
    std::string reference, referenceModel;
    std::map<int, std::size_t> startFrom; // start index -> which input it came from
    std::map<int, double> startEnergy;
    std::vector<std::pair<DwpRecord, bool>> dwps;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        SessionData s = readSession(inputs[i]);
        if (s.exploration)
            throw InputError(inputs[i] + ": an exploration session; only search sessions are merged (explorations are one file each)");
        const std::string text = s.parameters.serialize(), model = s.parameters.model.serialize();
        if (i == 0) {
            merged.parameters = s.parameters;
            merged.creator = s.creator;
            reference = text, referenceModel = model;
        } else if (text != reference || model != referenceModel) {
            throw InputError(inputs[i] + ": not the same run as " + inputs[0] +
                             " (model or parameters differ); only parts of one run can be merged");
        }
        for (std::size_t k = 0; k < s.starts.size(); ++k) {
            const int start = s.starts[k].start;
            if (auto it = startEnergy.find(start); it != startEnergy.end()) {
                // The same start computed twice (a resumed part): it must be the same result.
                if (it->second != s.starts[k].energy)
                    throw InputError(inputs[i] + ": start " + std::to_string(start) + " differs from the one in " +
                                     inputs[startFrom[start]] + " (not the same run)");
                continue;
            }
            startEnergy[start] = s.starts[k].energy;
            startFrom[start] = i;
            merged.starts.push_back(std::move(s.starts[k]));
            merged.summaries.push_back(s.summaries[k]);
            for (FoundMinimum& m : s.minima)
                if (m.start == start) merged.minima.push_back(std::move(m));
            for (std::size_t j = 0; j < s.doubleWells.size(); ++j)
                if (s.doubleWells[j].start == start && s.doubleWellStartFinished[j])
                    dwps.emplace_back(std::move(s.doubleWells[j]), true);
        }
    }
    // The canonical order: starts by index, minima by (start, id), DWPs by (start, minimum).
    std::vector<std::size_t> order(merged.starts.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return merged.starts[a].start < merged.starts[b].start; });
    SessionData sorted;
    sorted.parameters = merged.parameters;
    for (std::size_t k : order) {
        sorted.starts.push_back(std::move(merged.starts[k]));
        sorted.summaries.push_back(merged.summaries[k]);
    }
    sorted.minima = std::move(merged.minima);
    std::sort(sorted.minima.begin(), sorted.minima.end(), [](const FoundMinimum& a, const FoundMinimum& b) {
        return std::tie(a.start, a.id) < std::tie(b.start, b.id);
    });
    std::sort(dwps.begin(), dwps.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first.start, a.first.minimum) < std::tie(b.first.start, b.first.minimum);
    });
    for (auto& [r, finished] : dwps) {
        sorted.doubleWells.push_back(std::move(r));
        sorted.doubleWellStartFinished.push_back(finished);
    }
    writeFinishedSession(sorted, output);
    return static_cast<int>(sorted.starts.size());
}

void writeFinishedSession(const SessionData& session, const std::string& output) {
    // Through a temporary file and a rename: `output` (which may be one of the inputs) stays
    // intact until the new file is complete.
    const std::string tmp = output + ".write-tmp";
    std::error_code ec;
    try {
        SessionWriter writer(tmp, session.parameters);
        writer.copyFinished(session);
        const bool failed = writer.failed();
        writer.close();
        if (failed) throw InputError("a write failed (disk full?)");
    } catch (const InputError& e) {
        std::filesystem::remove(tmp, ec);
        throw InputError(output + ": cannot write the session (" + e.what() + "); nothing was changed");
    }
    std::filesystem::rename(tmp, output, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        throw InputError(output + ": cannot move the new session into place: " + ec.message());
    }
}

void canonicalizeSession(const std::string& path) { mergeSessions({path}, path); }

// ---------------------------------------------------------------------------------------------
// Export

void writeDoubleWellCsv(const SessionData& s, const std::string& path) {
    const UnitMapping& u = s.parameters.model.units;
    writeFileSafely(path, [&](std::ostream& out) {
        out.precision(12);
        out << "start,minimum,find_count,start_energy,e1,e2,e_saddle,asymmetry,barrier,d,d_mw,d_rp,d_mw_rp,"
               "central_particle,central_species,central_displacement,pr2,pr3,pr4,barrier1,barrier2,e_qs,e_qs_kelvin,"
               "level0_well,level1_well,quantum_asymmetry_kelvin,delta0_wkb_kelvin,two_level_energy_kelvin,"
               "is_tls,saddle_index\n";
        for (const DwpRecord& r : s.doubleWells) {
            const DoubleWell& w = r.dwp;
            const std::string species = w.centralSpecies >= 0 && w.centralSpecies < s.parameters.model.speciesCount()
                ? s.parameters.model.species[static_cast<std::size_t>(w.centralSpecies)].name
                : std::to_string(w.centralSpecies);
            out << r.start << ',' << r.minimum << ',' << r.findCount << ',' << r.startEnergy << ',' << w.e1 << ','
                << w.e2 << ',' << w.eSaddle << ',' << w.asymmetry << ',' << w.barrier << ',' << w.d << ','
                << w.dMassWeighted << ',' << w.dReactionPath << ',' << w.dMassWeightedReactionPath << ','
                << w.centralParticle << ',' << species << ',' << w.centralDisplacement << ',' << w.pr2 << ','
                << w.pr3 << ',' << w.pr4 << ',' << w.barrier1 << ',' << w.barrier2 << ',' << w.quantum.splitting
                << ',' << u.toKelvin(w.quantum.splitting) << ',' << static_cast<int>(w.quantum.level0) << ','
                << static_cast<int>(w.quantum.level1) << ',' << u.toKelvin(w.quantum.quantumAsymmetry) << ','
                << u.toKelvin(w.quantum.delta0) << ',' << u.toKelvin(w.quantum.twoLevelEnergy) << ','
                << (w.isTls ? 1 : 0) << ',' << w.saddleIndex << '\n';
        }
    });
}

namespace {

const DwpRecord& dwpForExport(const SessionData& s, std::size_t index) {
    if (index >= s.doubleWells.size())
        throw InputError("DWP " + std::to_string(index) + " does not exist (the session has " +
                         std::to_string(s.doubleWells.size()) + ")");
    const DwpRecord& r = s.doubleWells[index];
    if (r.dwp.minimum1.size() == 0) throw InputError("DWP " + std::to_string(index) + ": configurations were not loaded");
    return r;
}

/// Frames of one DWP aligned to its minimum 1 (continuous motion, nothing jumps across the box),
/// each with its energy, a label and the displacement from minimum 1 as a column OVITO can use.
void writeAlignedFrames(const SessionData& s, const DwpRecord& r, const std::vector<const Eigen::VectorXd*>& xs,
                        const std::vector<double>& energies, const std::vector<std::string>& labels,
                        const std::vector<double>* pathS, const std::string& path) {
    const double L = s.parameters.model.boxLengthFor(s.parameters.particles);
    std::vector<Configuration> frames;
    std::vector<XyzWriteOptions> options;
    for (std::size_t k = 0; k < xs.size(); ++k) {
        Configuration c;
        c.boxLength = L;
        c.species = r.species;
        c.diameters = r.diameters;
        c.positions = alignedTo(r.dwp.minimum1, *xs[k], L);
        XyzWriteOptions o;
        o.wrap = false;
        o.energy = energies[k];
        o.info["tlscope_frame"] = labels[k];
        o.info["dwp_start"] = std::to_string(r.start);
        o.info["dwp_minimum"] = std::to_string(r.minimum);
        if (pathS) {
            std::ostringstream sv;
            sv.precision(10);
            sv << (*pathS)[k];
            o.info["path_s"] = sv.str();
        }
        o.extraColumns.push_back({"displacement", 3, minimumImageDisplacement(r.dwp.minimum1, *xs[k], L)});
        frames.push_back(std::move(c));
        options.push_back(std::move(o));
    }
    writeXyzFile(path, frames, s.parameters.model, options);
}

} // namespace

void writeDoubleWellXyz(const SessionData& s, std::size_t index, const std::string& path) {
    const DwpRecord& r = dwpForExport(s, index);
    writeAlignedFrames(s, r, {&r.dwp.minimum1, &r.dwp.saddle, &r.dwp.minimum2}, {r.dwp.e1, r.dwp.eSaddle, r.dwp.e2},
                       {"minimum1", "saddle", "minimum2"}, nullptr, path);
}

void writeDoubleWellPathXyz(const SessionData& s, std::size_t index, const std::string& path) {
    const DwpRecord& r = dwpForExport(s, index);
    const DoubleWell& w = r.dwp;
    if (w.pathImages.size() < 2) throw InputError("DWP " + std::to_string(index) + ": the path was not loaded");
    std::vector<const Eigen::VectorXd*> xs;
    std::vector<std::string> labels;
    for (std::size_t k = 0; k < w.pathImages.size(); ++k) {
        xs.push_back(&w.pathImages[k]);
        labels.push_back(k == 0 ? "minimum1" : k + 1 == w.pathImages.size() ? "minimum2" : "path");
    }
    writeAlignedFrames(s, r, xs, w.pathImageEnergy, labels, &w.pathImageS, path);
}

} // namespace tlscope
