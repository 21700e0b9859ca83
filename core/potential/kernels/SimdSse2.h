#pragma once
// SIMD traits for the pair kernel (Sse2); include only from files compiled for Sse2.
#include <emmintrin.h>

namespace tlscope::kernel::detail {

struct Sse2 {
    using V = __m128d;
    static constexpr int W = 2;
    static V set1(double v) { return _mm_set1_pd(v); }
    static V zero() { return _mm_setzero_pd(); }
    static V loadu(const double* p) { return _mm_loadu_pd(p); }
    static void storeu(double* p, V v) { _mm_storeu_pd(p, v); }
    static V gather(const double* p, const int* ix) { return _mm_set_pd(p[ix[1]], p[ix[0]]); }
    static void scatterSubtract(double* p, const int* ix, V v) {
        double g[2];
        _mm_storeu_pd(g, v);
        p[ix[0]] -= g[0], p[ix[1]] -= g[1];
    }
    static V add(V a, V b) { return _mm_add_pd(a, b); }
    static V sub(V a, V b) { return _mm_sub_pd(a, b); }
    static V mul(V a, V b) { return _mm_mul_pd(a, b); }
    static V div(V a, V b) { return _mm_div_pd(a, b); }
    static V min(V a, V b) { return _mm_min_pd(a, b); }
    static V max(V a, V b) { return _mm_max_pd(a, b); }
    static V sqrt(V a) { return _mm_sqrt_pd(a); }
    static V rsqrt(V a) { return _mm_div_pd(_mm_set1_pd(1.0), _mm_sqrt_pd(a)); }
    static V fmadd(V a, V b, V c) { return _mm_add_pd(_mm_mul_pd(a, b), c); }
    static V fmsub(V a, V b, V c) { return _mm_sub_pd(_mm_mul_pd(a, b), c); }
    static V fnmadd(V a, V b, V c) { return _mm_sub_pd(c, _mm_mul_pd(a, b)); }
    static V less(V a, V b) { return _mm_cmplt_pd(a, b); }
    static V select(V mask, V v) { return _mm_and_pd(mask, v); }
    static double sum(V v) {
        double l[2];
        _mm_storeu_pd(l, v);
        return l[0] + l[1];
    }
};

} // namespace tlscope::kernel::detail
