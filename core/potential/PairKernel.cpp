#include "core/potential/PairKernel.h"

#include "core/common/Error.h"

#include <cmath>
#include <cstdlib>

namespace tlscope::kernel {

double pairForcesScalar(const PairArrays& a) {
    const double L = a.box, invL = 1.0 / L;
    double energy = 0.0;
    auto pair = [&](int i, int j, long offset) {
        double dx = a.x[i] - a.x[j], dy = a.y[i] - a.y[j], dz = a.z[i] - a.z[j];
        dx -= L * std::nearbyint(dx * invL);
        dy -= L * std::nearbyint(dy * invL);
        dz -= L * std::nearbyint(dz * invL);
        const double r2 = dx * dx + dy * dy + dz * dz;
        const long k = offset + j;
        if (!(r2 < a.cutoff2[k])) return;
        const double r = std::sqrt(r2), rinv = 1.0 / r, rinv2 = rinv * rinv;
        const double inv2 = a.sigma2[k] * rinv2, s6 = inv2 * inv2 * inv2, s12 = s6 * s6;
        energy += a.eps4[k] * (s12 - s6) - a.vCut[k] - (r - a.cutoff[k]) * a.dvCut[k];
        const double sc = a.eps4[k] * (12.0 * s12 - 6.0 * s6) * rinv2 + a.dvCut[k] * rinv;
        a.fx[i] += sc * dx, a.fy[i] += sc * dy, a.fz[i] += sc * dz;
        a.fx[j] -= sc * dx, a.fy[j] -= sc * dy, a.fz[j] -= sc * dz;
    };
    for (int i = 0; i < a.n; ++i) {
        const long offset = static_cast<long>(a.rowSpecies[i]) * a.stride;
        if (a.list)
            for (int k = a.listStart[i]; k < a.listStart[i + 1]; ++k) pair(i, a.list[k], offset);
        else
            for (int j = i + 1; j < a.n; ++j) pair(i, j, offset);
    }
    return energy;
}

double softForcesScalar(const SoftArrays& a) {
    const double L = a.box, invL = 1.0 / L;
    double energy = 0.0;
    auto pair = [&](int i, int j) {
        double dx = a.x[i] - a.x[j], dy = a.y[i] - a.y[j], dz = a.z[i] - a.z[j];
        dx -= L * std::nearbyint(dx * invL);
        dy -= L * std::nearbyint(dy * invL);
        dz -= L * std::nearbyint(dz * invL);
        const double r2 = dx * dx + dy * dy + dz * dz;
        const double di = a.diameter[i], dj = a.diameter[j];
        const double s = 0.5 * (di + dj) * (1.0 - a.nonAdditivity * std::abs(di - dj)), s2 = s * s;
        if (!(r2 < a.xc2 * s2)) return;
        const double is2 = 1.0 / s2, x2 = r2 * is2, u = s2 / r2, u3 = u * u * u, u6 = u3 * u3;
        energy += a.eps * (u6 + a.c0 + x2 * (a.c2 + a.c4 * x2));
        // -(dV/dr)/r: the force on i along (r_i - r_j).
        const double sc = a.eps * is2 * (12.0 * u6 * u - 2.0 * a.c2 - 4.0 * a.c4 * x2);
        a.fx[i] += sc * dx, a.fy[i] += sc * dy, a.fz[i] += sc * dz;
        a.fx[j] -= sc * dx, a.fy[j] -= sc * dy, a.fz[j] -= sc * dz;
    };
    for (int i = 0; i < a.n; ++i) {
        if (a.list)
            for (int k = a.listStart[i]; k < a.listStart[i + 1]; ++k) pair(i, a.list[k]);
        else
            for (int j = i + 1; j < a.n; ++j) pair(i, j);
    }
    return energy;
}

int scanCandidatesScalar(const double* wx, const double* wy, const double* wz, int from, int to, double ox,
                         double oy, double oz, double r2max, int* out) {
    int added = 0;
    for (int b = from; b < to; ++b) {
        const double dx = ox - wx[b], dy = oy - wy[b], dz = oz - wz[b];
        out[added] = b;
        added += (dx * dx + dy * dy + dz * dz < r2max) ? 1 : 0; // no branch: ~15 % are accepted
    }
    return added;
}

namespace {
bool cpuHas([[maybe_unused]] Path p) {
#if defined(TLSCOPE_X86_KERNELS)
    __builtin_cpu_init();
    switch (p) {
    case Path::Scalar:
    case Path::Sse2: return true;
    case Path::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Path::Avx512: return __builtin_cpu_supports("avx512f");
    }
    return false;
#else
    return p == Path::Scalar;
#endif
}
} // namespace

bool available(Path p) { return cpuHas(p); }

Function function(Path p) {
    if (!available(p)) throw InputError("the " + name(p) + " kernel is not available on this CPU or build");
    switch (p) {
#if defined(TLSCOPE_X86_KERNELS)
    case Path::Sse2: return &pairForcesSse2;
    case Path::Avx2: return &pairForcesAvx2;
    case Path::Avx512: return &pairForcesAvx512;
#endif
    default: return &pairForcesScalar;
    }
}

SoftFunction softFunction(Path p) {
    if (!available(p)) throw InputError("the " + name(p) + " kernel is not available on this CPU or build");
    switch (p) {
#if defined(TLSCOPE_X86_KERNELS)
    case Path::Sse2: return &softForcesSse2;
    case Path::Avx2: return &softForcesAvx2;
    case Path::Avx512: return &softForcesAvx512;
#endif
    default: return &softForcesScalar;
    }
}

SingleFunction singleFunction(Path p) {
    if (!available(p)) throw InputError("the " + name(p) + " kernel is not available on this CPU or build");
#if defined(TLSCOPE_X86_KERNELS)
    if (p == Path::Avx512) return &pairForcesSingleAvx512;
#endif
    return nullptr;
}

ScanFunction scanFunction(Path p) {
    if (!available(p)) throw InputError("the " + name(p) + " kernel is not available on this CPU or build");
#if defined(TLSCOPE_X86_KERNELS)
    if (p == Path::Avx512) return &scanCandidatesAvx512;
#endif
    return &scanCandidatesScalar;
}

namespace {
double dotScalar(const double* a, const double* b, long n) {
    double s = 0.0;
    for (long i = 0; i < n; ++i) s += a[i] * b[i];
    return s;
}
void axpyScalar(double alpha, const double* x, double* y, long n) {
    for (long i = 0; i < n; ++i) y[i] += alpha * x[i];
}
} // namespace

VectorOps vectorOps(Path p) {
    if (!available(p)) throw InputError("the " + name(p) + " kernel is not available on this CPU or build");
    switch (p) {
#if defined(TLSCOPE_X86_KERNELS)
    case Path::Sse2: return {&dotSse2, &axpySse2};
    case Path::Avx2: return {&dotAvx2, &axpyAvx2};
    case Path::Avx512: return {&dotAvx512, &axpyAvx512};
#endif
    default: return {&dotScalar, &axpyScalar};
    }
}

std::string name(Path p) {
    switch (p) {
    case Path::Scalar: return "scalar";
    case Path::Sse2: return "sse2";
    case Path::Avx2: return "avx2";
    case Path::Avx512: return "avx512";
    }
    return "scalar";
}

Path parsePath(const std::string& s) {
    for (Path p : {Path::Scalar, Path::Sse2, Path::Avx2, Path::Avx512})
        if (s == name(p)) return p;
    throw InputError("unknown kernel '" + s + "' (expected scalar, sse2, avx2 or avx512)");
}

std::vector<Path> availablePaths() {
    std::vector<Path> paths;
    for (Path p : {Path::Scalar, Path::Sse2, Path::Avx2, Path::Avx512})
        if (available(p)) paths.push_back(p);
    return paths;
}

Path activePath() {
    static const Path chosen = [] {
        const char* env = std::getenv("TLSCOPE_KERNEL");
        if (env && *env) {
            Path p;
            try {
                p = parsePath(env);
            } catch (const InputError& e) {
                throw InputError(std::string("TLSCOPE_KERNEL: ") + e.what());
            }
            if (!available(p))
                throw InputError("TLSCOPE_KERNEL=" + std::string(env) +
                                 ": this CPU or build cannot run that kernel");
            return p;
        }
        return availablePaths().back();
    }();
    return chosen;
}

} // namespace tlscope::kernel
