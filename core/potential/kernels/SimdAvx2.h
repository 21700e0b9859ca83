#pragma once
// SIMD traits for the pair kernel (Avx2); include only from files compiled for Avx2.
#include <immintrin.h>

namespace tlscope::kernel::detail {

struct Avx2 {
    using V = __m256d;
    static constexpr int W = 4;
    static V set1(double v) { return _mm256_set1_pd(v); }
    static V zero() { return _mm256_setzero_pd(); }
    static V loadu(const double* p) { return _mm256_loadu_pd(p); }
    static void storeu(double* p, V v) { _mm256_storeu_pd(p, v); }
    // Composed from scalar loads: faster than vgatherdpd on CPUs with the gather
    // data-sampling mitigation (microcoded gathers), and never slower here (docs/performance.md).
    static V gather(const double* p, const int* ix) {
        return _mm256_set_pd(p[ix[3]], p[ix[2]], p[ix[1]], p[ix[0]]);
    }
    static void scatterSubtract(double* p, const int* ix, V v) {
        alignas(32) double g[4];
        _mm256_store_pd(g, v);
        p[ix[0]] -= g[0], p[ix[1]] -= g[1], p[ix[2]] -= g[2], p[ix[3]] -= g[3];
    }
    static V add(V a, V b) { return _mm256_add_pd(a, b); }
    static V sub(V a, V b) { return _mm256_sub_pd(a, b); }
    static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
    static V div(V a, V b) { return _mm256_div_pd(a, b); }
    static V min(V a, V b) { return _mm256_min_pd(a, b); }
    static V max(V a, V b) { return _mm256_max_pd(a, b); }
    static V sqrt(V a) { return _mm256_sqrt_pd(a); }
    /// 1/sqrt(a) exactly rounded: a single-precision estimate refined by three Newton steps
    /// measured slower here (the conversions cost more than the division they save).
    static V rsqrt(V a) { return _mm256_div_pd(_mm256_set1_pd(1.0), _mm256_sqrt_pd(a)); }
    static V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
    static V fmsub(V a, V b, V c) { return _mm256_fmsub_pd(a, b, c); }
    static V fnmadd(V a, V b, V c) { return _mm256_fnmadd_pd(a, b, c); }
    static V less(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
    static V select(V mask, V v) { return _mm256_and_pd(mask, v); }
    static double sum(V v) {
        alignas(32) double l[4];
        _mm256_store_pd(l, v);
        return (l[0] + l[1]) + (l[2] + l[3]);
    }
};

} // namespace tlscope::kernel::detail
