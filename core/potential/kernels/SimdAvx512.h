#pragma once
// SIMD traits for the pair kernel (Avx512); include only from files compiled for Avx512.
#include <immintrin.h>

namespace tlscope::kernel::detail {

struct Avx512 {
    using V = __m512d;
    static constexpr int W = 8;
    static V set1(double v) { return _mm512_set1_pd(v); }
    static V zero() { return _mm512_setzero_pd(); }
    static V loadu(const double* p) { return _mm512_loadu_pd(p); }
    static void storeu(double* p, V v) { _mm512_storeu_pd(p, v); }
    static __m256i indices(const int* ix) {
        return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ix));
    }
    // Used by tests only through the all-pairs path; the list path uses the AVX2 traits.
    static V gather(const double* p, const int* ix) {
        return _mm512_set_pd(p[ix[7]], p[ix[6]], p[ix[5]], p[ix[4]], p[ix[3]], p[ix[2]], p[ix[1]], p[ix[0]]);
    }
    static void scatterSubtract(double* p, const int* ix, V v) {
        alignas(64) double g[8];
        _mm512_store_pd(g, v);
        for (int l = 0; l < 8; ++l) p[ix[l]] -= g[l];
    }
    static V add(V a, V b) { return _mm512_add_pd(a, b); }
    static V sub(V a, V b) { return _mm512_sub_pd(a, b); }
    static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
    static V div(V a, V b) { return _mm512_div_pd(a, b); }
    static V min(V a, V b) { return _mm512_min_pd(a, b); }
    static V max(V a, V b) { return _mm512_max_pd(a, b); }
    static V sqrt(V a) { return _mm512_sqrt_pd(a); }
    /// 1/sqrt(a): the 14-bit estimate, then two Newton steps (14 -> 28 -> 53 bits); a quarter
    /// of the cost of vsqrtpd + vdivpd, within 2 ulp of them.
    static V rsqrt(V a) {
        V y = _mm512_rsqrt14_pd(a);
        const V h = _mm512_mul_pd(_mm512_set1_pd(0.5), a), c = _mm512_set1_pd(1.5);
        for (int k = 0; k < 2; ++k) y = _mm512_mul_pd(y, _mm512_fnmadd_pd(_mm512_mul_pd(h, y), y, c));
        return y;
    }
    static V fmadd(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
    static V fmsub(V a, V b, V c) { return _mm512_fmsub_pd(a, b, c); }
    static V fnmadd(V a, V b, V c) { return _mm512_fnmadd_pd(a, b, c); }
    static __mmask8 less(V a, V b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
    static V select(__mmask8 m, V v) { return _mm512_maskz_mov_pd(m, v); }
    static double sum(V v) {
        alignas(64) double l[8];
        _mm512_store_pd(l, v);
        return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
    }
};

} // namespace tlscope::kernel::detail
