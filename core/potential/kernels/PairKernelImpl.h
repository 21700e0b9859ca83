#pragma once
// The vectorised pair kernel, written once over a small SIMD traits class and compiled once
// per instruction set (PairKernelSse2/Avx2/Avx512.cpp, each with its own -m flags). Included
// only by those files.
#include "core/potential/PairKernel.h"

namespace tlscope::kernel::detail {

/// One block of W partners of a row: rows j0..j0+W-1 (`Contiguous`: loads and stores), else
/// listed rows (gathers and scattered subtractions), the last block padded with `padRow`.
template <class S, bool Contiguous> struct PartnerBlock {
    using V = typename S::V;
    int idx[S::W];
    const int* listed = nullptr;
    int j0 = 0;
    PartnerBlock(int i, const int* js, int k, int count, int padRow) {
        if constexpr (Contiguous) {
            j0 = i + 1 + k; // lanes past count read padding rows (count = n - i - 1)
        } else if (k + S::W <= count) {
            listed = js + k;
        } else {
            for (int l = 0; l < S::W; ++l) idx[l] = k + l < count ? js[k + l] : padRow;
        }
    }
    PartnerBlock(const PartnerBlock&) = delete;
    const int* rows() const { return listed ? listed : idx; }
    V load(const double* p) const {
        if constexpr (Contiguous) return S::loadu(p + j0);
        else return S::gather(p, rows());
    }
    /// f[j] -= g for each partner j (Newton's third law).
    void subtract(double* f, V g) const {
        if constexpr (Contiguous) S::storeu(f + j0, S::sub(S::loadu(f + j0), g));
        else S::scatterSubtract(f, rows(), g);
    }
};

/// Adds the interactions of row i with partners js[0..count) (or i+1..i+count when
/// `Contiguous`). Branch-free: pairs beyond the cutoff are evaluated at r = rc and masked out,
/// lanes past the end read padding rows (zero cutoff). The minimum image rounds to the nearest
/// integer with the 1.5*2^52 trick. Lanes are summed in a fixed order.
template <class S, bool Contiguous>
inline double pairRow(int i, const int* js, int count, const PairArrays& a, long paramOffset) {
    using V = typename S::V;
    constexpr int W = S::W;
    constexpr double magic = 6755399441055744.0; // 1.5 * 2^52
    const double L = a.box, invL = 1.0 / L;
    const double* sig2 = a.sigma2 + paramOffset;
    const double* eps4 = a.eps4 + paramOffset;
    const double* rcut = a.cutoff + paramOffset;
    const double* rc2 = a.cutoff2 + paramOffset;
    const double* vrc = a.vCut + paramOffset;
    const double* dvrc = a.dvCut + paramOffset;
    double* fx = a.fx;
    double* fy = a.fy;
    double* fz = a.fz;
    const V vxi = S::set1(a.x[i]), vyi = S::set1(a.y[i]), vzi = S::set1(a.z[i]);
    const V vL = S::set1(L), vInvL = S::set1(invL), vMagic = S::set1(magic);
    const V v12 = S::set1(12.0), v6 = S::set1(6.0);
    V ae = S::zero(), afx = S::zero(), afy = S::zero(), afz = S::zero();
    auto image = [&](V d) {
        const V n = S::sub(S::fmadd(d, vInvL, vMagic), vMagic);
        return S::fnmadd(vL, n, d);
    };
    const int padRow = a.n; // a row of zero cutoffs
    for (int k = 0; k < count; k += W) {
        const PartnerBlock<S, Contiguous> block(i, js, k, count, padRow);
        auto load = [&](const double* p) { return block.load(p); };
        const V dx = image(S::sub(vxi, load(a.x)));
        const V dy = image(S::sub(vyi, load(a.y)));
        const V dz = image(S::sub(vzi, load(a.z)));
        const V r2 = S::fmadd(dz, dz, S::fmadd(dy, dy, S::mul(dx, dx)));
        const V vrc2 = load(rc2);
        const auto inside = S::less(r2, vrc2);
        const V r2s = S::min(r2, vrc2);
        // 1/r from the traits' reciprocal square root (exact sqrt and division with SSE2, a
        // hardware estimate refined by Newton steps to full precision with AVX): 1/r^2 and r
        // then follow by multiplications. Padding lanes (r2s = 0) give inf/NaN, masked below.
        const V rinv = S::rsqrt(r2s);
        const V r = S::mul(r2s, rinv);
        const V rinv2 = S::mul(rinv, rinv);
        const V inv2 = S::mul(load(sig2), rinv2);
        const V s6 = S::mul(S::mul(inv2, inv2), inv2);
        const V s12 = S::mul(s6, s6);
        const V ve4 = load(eps4), vdv = load(dvrc);
        const V e = S::sub(S::fmsub(ve4, S::sub(s12, s6), load(vrc)),
                           S::mul(S::sub(r, load(rcut)), vdv));
        const V w = S::mul(ve4, S::fmsub(v12, s12, S::mul(v6, s6)));
        const V sc = S::select(inside, S::fmadd(w, rinv2, S::mul(vdv, rinv)));
        ae = S::add(ae, S::select(inside, e));
        const V gx = S::mul(sc, dx), gy = S::mul(sc, dy), gz = S::mul(sc, dz);
        afx = S::add(afx, gx), afy = S::add(afy, gy), afz = S::add(afz, gz);
        block.subtract(fx, gx), block.subtract(fy, gy), block.subtract(fz, gz);
    }
    fx[i] += S::sum(afx), fy[i] += S::sum(afy), fz[i] += S::sum(afz);
    return S::sum(ae);
}

/// All rows: `Contiguous` traits for all pairs, `Listed` traits for the neighbour list.
template <class Contiguous, class Listed> double pairForces(const PairArrays& a) {
    double energy = 0.0;
    for (int r = 0; r < a.n; ++r) {
        const long offset = static_cast<long>(a.rowSpecies[r]) * a.stride;
        if (a.list) {
            const int begin = a.listStart[r], end = a.listStart[r + 1];
            energy += pairRow<Listed, false>(r, a.list + begin, end - begin, a, offset);
        } else {
            energy += pairRow<Contiguous, true>(r, nullptr, a.n - r - 1, a, offset);
        }
    }
    return energy;
}


/// The soft-sphere interactions of row i (SoftSpherePair), in the layout of pairRow:
/// sigma_ij from the two diameters, one division per pair for s^2/r^2, r^2/s^2 and 1/s^2.
template <class S, bool Contiguous>
inline double softRow(int i, const int* js, int count, const SoftArrays& a) {
    using V = typename S::V;
    constexpr int W = S::W;
    constexpr double magic = 6755399441055744.0; // 1.5 * 2^52
    const V vxi = S::set1(a.x[i]), vyi = S::set1(a.y[i]), vzi = S::set1(a.z[i]), vdi = S::set1(a.diameter[i]);
    const V vL = S::set1(a.box), vInvL = S::set1(1.0 / a.box), vMagic = S::set1(magic);
    const V vBig = S::set1(1e10), vOne = S::set1(1.0), vHalf = S::set1(0.5), vNa = S::set1(a.nonAdditivity), vXc2 = S::set1(a.xc2);
    const V vEps = S::set1(a.eps), vC0 = S::set1(a.c0), vC2 = S::set1(a.c2), vC4 = S::set1(a.c4);
    const V v12 = S::set1(12.0), vTwoC2 = S::set1(2.0 * a.c2), vFourC4 = S::set1(4.0 * a.c4);
    V ae = S::zero(), afx = S::zero(), afy = S::zero(), afz = S::zero();
    auto image = [&](V d) {
        const V n = S::sub(S::fmadd(d, vInvL, vMagic), vMagic);
        return S::fnmadd(vL, n, d);
    };
    const int padRow = a.n; // diameter 0: never inside (below)
    for (int k = 0; k < count; k += W) {
        const PartnerBlock<S, Contiguous> block(i, js, k, count, padRow);
        auto load = [&](const double* p) { return block.load(p); };
        const V dx = image(S::sub(vxi, load(a.x)));
        const V dy = image(S::sub(vyi, load(a.y)));
        const V dz = image(S::sub(vzi, load(a.z)));
        const V r2 = S::fmadd(dz, dz, S::fmadd(dy, dy, S::mul(dx, dx)));
        const V dj = load(a.diameter), diff = S::sub(vdi, dj);
        const V s = S::mul(S::mul(vHalf, S::add(vdi, dj)), S::fnmadd(vNa, S::max(diff, S::sub(S::zero(), diff)), vOne));
        const V s2 = S::mul(s, s);
        // Padding rows (diameter 0) would still give sigma_ij > 0: their cutoff is scaled by
        // min(1e10 d_j, 1), 0 for them and exactly 1 for any real diameter (> 1e-10).
        const auto inside = S::less(r2, S::mul(S::mul(vXc2, s2), S::min(S::mul(dj, vBig), vOne)));
        // Padding lanes (s2 = 0) give inf/NaN here, masked below.
        const V q = S::div(vOne, S::mul(r2, s2));
        const V u = S::mul(S::mul(s2, s2), q), x2 = S::mul(S::mul(r2, r2), q), is2 = S::mul(r2, q);
        const V u3 = S::mul(S::mul(u, u), u), u6 = S::mul(u3, u3);
        const V e = S::mul(vEps, S::add(S::add(u6, vC0), S::mul(x2, S::fmadd(vC4, x2, vC2))));
        const V w = S::sub(S::mul(v12, S::mul(u6, u)), S::fmadd(vFourC4, x2, vTwoC2));
        const V sc = S::select(inside, S::mul(S::mul(vEps, is2), w));
        ae = S::add(ae, S::select(inside, e));
        const V gx = S::mul(sc, dx), gy = S::mul(sc, dy), gz = S::mul(sc, dz);
        afx = S::add(afx, gx), afy = S::add(afy, gy), afz = S::add(afz, gz);
        block.subtract(a.fx, gx), block.subtract(a.fy, gy), block.subtract(a.fz, gz);
    }
    a.fx[i] += S::sum(afx), a.fy[i] += S::sum(afy), a.fz[i] += S::sum(afz);
    return S::sum(ae);
}

template <class Contiguous, class Listed> double softForces(const SoftArrays& a) {
    double energy = 0.0;
    for (int r = 0; r < a.n; ++r) {
        if (a.list) {
            const int begin = a.listStart[r], end = a.listStart[r + 1];
            energy += softRow<Listed, false>(r, a.list + begin, end - begin, a);
        } else {
            energy += softRow<Contiguous, true>(r, nullptr, a.n - r - 1, a);
        }
    }
    return energy;
}

/// dot and axpy over the traits: four accumulators (a fixed order), a scalar tail.
template <class S> double dotProduct(const double* a, const double* b, long n) {
    constexpr long W = S::W;
    auto acc0 = S::zero(), acc1 = S::zero(), acc2 = S::zero(), acc3 = S::zero();
    long i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        acc0 = S::fmadd(S::loadu(a + i), S::loadu(b + i), acc0);
        acc1 = S::fmadd(S::loadu(a + i + W), S::loadu(b + i + W), acc1);
        acc2 = S::fmadd(S::loadu(a + i + 2 * W), S::loadu(b + i + 2 * W), acc2);
        acc3 = S::fmadd(S::loadu(a + i + 3 * W), S::loadu(b + i + 3 * W), acc3);
    }
    for (; i + W <= n; i += W) acc0 = S::fmadd(S::loadu(a + i), S::loadu(b + i), acc0);
    double sum = S::sum(S::add(S::add(acc0, acc1), S::add(acc2, acc3)));
    for (; i < n; ++i) sum += a[i] * b[i];
    return sum;
}

template <class S> void axpyUpdate(double alpha, const double* x, double* y, long n) {
    constexpr long W = S::W;
    const auto va = S::set1(alpha);
    long i = 0;
    for (; i + W <= n; i += W) S::storeu(y + i, S::fmadd(va, S::loadu(x + i), S::loadu(y + i)));
    for (; i < n; ++i) y[i] += alpha * x[i];
}

} // namespace tlscope::kernel::detail
