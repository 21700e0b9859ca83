// AVX-512 instance of the pair kernel. Compiled with -mavx512f -mfma; called only when the CPU
// has AVX-512F. All pairs (contiguous partners) run eight pairs per instruction; the neighbour
// list runs four (the AVX2 traits): its partners are scattered, and composing a vector from
// scalar loads costs less with four lanes than with eight, while hardware gathers are slower
// still on this CPU (docs/performance.md).
#include "core/potential/kernels/PairKernelImpl.h"
#include "core/potential/kernels/SimdAvx2.h"
#include "core/potential/kernels/SimdAvx512.h"

namespace tlscope::kernel {

double pairForcesAvx512(const PairArrays& a) { return detail::pairForces<detail::Avx512, detail::Avx2>(a); }
double softForcesAvx512(const SoftArrays& a) { return detail::softForces<detail::Avx512, detail::Avx2>(a); }

void pairForcesSingleAvx512(const PairArraysF& a) {
    // Sixteen pairs per instruction; the 1.5 * 2^23 minimum-image rounding (coordinates are
    // wrapped, so |d| < L); rsqrt14 and one Newton step (~23 bits, full single precision).
    const __m512 vL = _mm512_set1_ps(a.box), vInvL = _mm512_set1_ps(1.0f / a.box);
    const __m512 vMagic = _mm512_set1_ps(12582912.0f), v12 = _mm512_set1_ps(12.0f), v6 = _mm512_set1_ps(6.0f);
    const __m512 vHalf = _mm512_set1_ps(0.5f), vThreeHalves = _mm512_set1_ps(1.5f);
    auto image = [&](__m512 d) {
        const __m512 n = _mm512_sub_ps(_mm512_fmadd_ps(d, vInvL, vMagic), vMagic);
        return _mm512_fnmadd_ps(vL, n, d);
    };
    for (int i = 0; i < a.n; ++i) {
        const long off = static_cast<long>(a.rowSpecies[i]) * a.stride;
        const float *sig2 = a.sigma2 + off, *eps4 = a.eps4 + off, *rc2 = a.cutoff2 + off, *dvc = a.dvCut + off;
        const __m512 xi = _mm512_set1_ps(a.x[i]), yi = _mm512_set1_ps(a.y[i]), zi = _mm512_set1_ps(a.z[i]);
        __m512 afx = _mm512_setzero_ps(), afy = afx, afz = afx;
        for (int j0 = i + 1; j0 < a.n; j0 += 16) { // lanes past n read padding rows (zero cutoff)
            const __m512 dx = image(_mm512_sub_ps(xi, _mm512_loadu_ps(a.x + j0)));
            const __m512 dy = image(_mm512_sub_ps(yi, _mm512_loadu_ps(a.y + j0)));
            const __m512 dz = image(_mm512_sub_ps(zi, _mm512_loadu_ps(a.z + j0)));
            const __m512 r2 = _mm512_fmadd_ps(dz, dz, _mm512_fmadd_ps(dy, dy, _mm512_mul_ps(dx, dx)));
            const __m512 c2 = _mm512_loadu_ps(rc2 + j0);
            const __mmask16 inside = _mm512_cmp_ps_mask(r2, c2, _CMP_LT_OQ);
            const __m512 r2s = _mm512_min_ps(r2, c2);
            __m512 rinv = _mm512_rsqrt14_ps(r2s);
            rinv = _mm512_mul_ps(rinv, _mm512_fnmadd_ps(_mm512_mul_ps(vHalf, r2s), _mm512_mul_ps(rinv, rinv), vThreeHalves));
            const __m512 rinv2 = _mm512_mul_ps(rinv, rinv);
            const __m512 inv2 = _mm512_mul_ps(_mm512_loadu_ps(sig2 + j0), rinv2);
            const __m512 s6 = _mm512_mul_ps(_mm512_mul_ps(inv2, inv2), inv2), s12 = _mm512_mul_ps(s6, s6);
            const __m512 w = _mm512_mul_ps(_mm512_loadu_ps(eps4 + j0), _mm512_fmsub_ps(v12, s12, _mm512_mul_ps(v6, s6)));
            const __m512 sc = _mm512_maskz_mov_ps(inside, _mm512_fmadd_ps(w, rinv2, _mm512_mul_ps(_mm512_loadu_ps(dvc + j0), rinv)));
            const __m512 gx = _mm512_mul_ps(sc, dx), gy = _mm512_mul_ps(sc, dy), gz = _mm512_mul_ps(sc, dz);
            afx = _mm512_add_ps(afx, gx), afy = _mm512_add_ps(afy, gy), afz = _mm512_add_ps(afz, gz);
            _mm512_storeu_ps(a.fx + j0, _mm512_sub_ps(_mm512_loadu_ps(a.fx + j0), gx));
            _mm512_storeu_ps(a.fy + j0, _mm512_sub_ps(_mm512_loadu_ps(a.fy + j0), gy));
            _mm512_storeu_ps(a.fz + j0, _mm512_sub_ps(_mm512_loadu_ps(a.fz + j0), gz));
        }
        a.fx[i] += _mm512_reduce_add_ps(afx), a.fy[i] += _mm512_reduce_add_ps(afy), a.fz[i] += _mm512_reduce_add_ps(afz);
    }
}

int scanCandidatesAvx512(const double* wx, const double* wy, const double* wz, int from, int to, double ox,
                         double oy, double oz, double r2max, int* out) {
    const __m512d vx = _mm512_set1_pd(ox), vy = _mm512_set1_pd(oy), vz = _mm512_set1_pd(oz);
    const __m512d limit = _mm512_set1_pd(r2max);
    const __m512i lane = _mm512_set_epi32(0, 0, 0, 0, 0, 0, 0, 0, 7, 6, 5, 4, 3, 2, 1, 0);
    int added = 0;
    for (int b = from; b < to; b += 8) {
        const __mmask8 valid = static_cast<__mmask8>(to - b >= 8 ? 0xFF : (1u << (to - b)) - 1u);
        const __m512d dx = _mm512_sub_pd(vx, _mm512_maskz_loadu_pd(valid, wx + b));
        const __m512d dy = _mm512_sub_pd(vy, _mm512_maskz_loadu_pd(valid, wy + b));
        const __m512d dz = _mm512_sub_pd(vz, _mm512_maskz_loadu_pd(valid, wz + b));
        const __m512d d2 = _mm512_fmadd_pd(dz, dz, _mm512_fmadd_pd(dy, dy, _mm512_mul_pd(dx, dx)));
        const __mmask8 close = _mm512_mask_cmp_pd_mask(valid, d2, limit, _CMP_LT_OQ);
        const __m512i index = _mm512_add_epi32(lane, _mm512_set1_epi32(b));
        _mm512_mask_compressstoreu_epi32(out + added, static_cast<__mmask16>(close), index);
        added += __builtin_popcount(static_cast<unsigned>(close));
    }
    return added;
}

double dotAvx512(const double* a, const double* b, long n) { return detail::dotProduct<detail::Avx512>(a, b, n); }
void axpyAvx512(double alpha, const double* x, double* y, long n) { detail::axpyUpdate<detail::Avx512>(alpha, x, y, n); }

} // namespace tlscope::kernel
