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
