#pragma once
// The pair force kernel in several instruction sets, chosen at run time (docs/performance.md).
//
// Every path computes the same sums in a fixed order for its lane width, so a run is
// bit-for-bit reproducible for one binary on one machine; paths differ from each other by
// rounding only (FMA, lane count), and the test suite checks each against the scalar loop.
#include <string>
#include <vector>

namespace tlscope::kernel {

enum class Path { Scalar, Sse2, Avx2, Avx512 };

/// Rows beyond n that every array must hold: lanes past the end of a row read them. Padding
/// rows have zero cutoffs, so they never interact.
constexpr int kPadding = 8;

/// Structure-of-arrays view of one system for the kernel. Row r holds one particle (in the
/// order chosen by the caller); parameter arrays hold, for each species a, the pair parameter
/// of a with the particle in row r at [a * stride + r].
struct PairArrays {
    const double *x, *y, *z;
    double *fx, *fy, *fz;
    const double *sigma2, *eps4, *cutoff, *cutoff2, *vCut, *dvCut;
    const int* rowSpecies;
    long stride;
    int n;
    double box;
    /// Half neighbour list in rows (nullptr: all pairs i < j).
    const int* listStart = nullptr;
    const int* list = nullptr;
};

/// Adds the forces of all pairs to fx/fy/fz (which the caller zeroes) and returns the energy.
using Function = double (*)(const PairArrays&);

/// Neighbour-list candidate scan: writes to `out` every b in [from, to) with
/// (o - w_b)^2 < r2max (w in structure-of-arrays x, y, z) in increasing order, returns how
/// many. `out` must hold to - from entries.
using ScanFunction = int (*)(const double* wx, const double* wy, const double* wz, int from, int to,
                             double ox, double oy, double oz, double r2max, int* out);
int scanCandidatesScalar(const double*, const double*, const double*, int, int, double, double, double, double, int*);
int scanCandidatesAvx512(const double*, const double*, const double*, int, int, double, double, double, double, int*);

/// Structure-of-arrays view of a polydisperse soft-sphere system (SoftSpherePair, PHYSICS.md
/// §1.3): rows as in PairArrays, each with its particle's diameter; padding rows have diameter
/// 0, hence a zero cutoff.
struct SoftArrays {
    const double *x, *y, *z;
    double *fx, *fy, *fz;
    const double* diameter;
    int n;
    double box;
    const int* listStart = nullptr; ///< half neighbour list in rows (nullptr: all pairs i < j)
    const int* list = nullptr;
    double eps, xc2, c0, c2, c4, nonAdditivity;
};
/// Adds the soft-sphere forces of all pairs to fx/fy/fz (zeroed by the caller), returns the energy.
using SoftFunction = double (*)(const SoftArrays&);
double softForcesScalar(const SoftArrays& a);
double softForcesSse2(const SoftArrays& a);
double softForcesAvx2(const SoftArrays& a);
double softForcesAvx512(const SoftArrays& a);
SoftFunction softFunction(Path p);

/// Single-precision, forces-only view for all pairs (no list): coordinates wrapped into the box
/// by the caller, rows contiguous, kSinglePadding padding rows of zero cutoffs.
struct PairArraysF {
    const float *x, *y, *z;
    float *fx, *fy, *fz;
    const float *sigma2, *eps4, *cutoff2, *dvCut;
    const int* rowSpecies;
    long stride;
    int n;
    float box;
};
constexpr int kSinglePadding = 16;
/// Adds the forces of all pairs in single precision (sixteen pairs per AVX-512 instruction) to
/// fx/fy/fz (zeroed by the caller): for trajectories whose individual path does not matter (MD
/// kicks, sampling), never for energies, minima or saddles.
using SingleFunction = void (*)(const PairArraysF&);
void pairForcesSingleAvx512(const PairArraysF& a);
/// The single-precision kernel of a path, nullptr where there is none (only AVX-512 has one:
/// elsewhere it would not beat the double kernel by enough to be worth a second code path).
SingleFunction singleFunction(Path p);

double pairForcesScalar(const PairArrays& a);
double pairForcesSse2(const PairArrays& a);
double pairForcesAvx2(const PairArrays& a);
double pairForcesAvx512(const PairArrays& a);

/// Vector operations for the minimizers at the kernel's width (a fixed summation order per
/// path, so results are reproducible for one binary and CPU).
struct VectorOps {
    double (*dot)(const double* a, const double* b, long n);
    void (*axpy)(double alpha, const double* x, double* y, long n); ///< y += alpha x
};
VectorOps vectorOps(Path p);
double dotSse2(const double*, const double*, long);
double dotAvx2(const double*, const double*, long);
double dotAvx512(const double*, const double*, long);
void axpySse2(double, const double*, double*, long);
void axpyAvx2(double, const double*, double*, long);
void axpyAvx512(double, const double*, double*, long);

/// Whether this binary contains the path and this CPU can run it.
bool available(Path p);
Function function(Path p);
/// The candidate scan of the neighbour-list build for a path (AVX-512 compresses eight
/// candidates per instruction; the other paths share the branch-free scalar loop).
ScanFunction scanFunction(Path p);
std::string name(Path p);
/// Parses "scalar", "sse2", "avx2", "avx512"; throws InputError otherwise.
Path parsePath(const std::string& s);
/// Every path available here, portable first.
std::vector<Path> availablePaths();
/// The path new potentials use: TLSCOPE_KERNEL if set (an unavailable one is an error), else
/// the widest available.
Path activePath();

} // namespace tlscope::kernel
