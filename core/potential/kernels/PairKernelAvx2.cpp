// AVX2 + FMA instance of the pair kernel: four pairs per instruction. Compiled with
// -mavx2 -mfma; called only when the CPU has both.
#include "core/potential/kernels/PairKernelImpl.h"
#include "core/potential/kernels/SimdAvx2.h"

namespace tlscope::kernel {

double pairForcesAvx2(const PairArrays& a) { return detail::pairForces<detail::Avx2, detail::Avx2>(a); }
double softForcesAvx2(const SoftArrays& a) { return detail::softForces<detail::Avx2, detail::Avx2>(a); }

double dotAvx2(const double* a, const double* b, long n) { return detail::dotProduct<detail::Avx2>(a, b, n); }
void axpyAvx2(double alpha, const double* x, double* y, long n) { detail::axpyUpdate<detail::Avx2>(alpha, x, y, n); }

} // namespace tlscope::kernel
