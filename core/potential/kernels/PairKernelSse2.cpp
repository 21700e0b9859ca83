// SSE2 (x86-64 baseline) instance of the pair kernel: two pairs per instruction.
#include "core/potential/kernels/PairKernelImpl.h"
#include "core/potential/kernels/SimdSse2.h"

namespace tlscope::kernel {

double pairForcesSse2(const PairArrays& a) { return detail::pairForces<detail::Sse2, detail::Sse2>(a); }
double softForcesSse2(const SoftArrays& a) { return detail::softForces<detail::Sse2, detail::Sse2>(a); }

double dotSse2(const double* a, const double* b, long n) { return detail::dotProduct<detail::Sse2>(a, b, n); }
void axpySse2(double alpha, const double* x, double* y, long n) { detail::axpyUpdate<detail::Sse2>(alpha, x, y, n); }

} // namespace tlscope::kernel
