// SSE2 (x86-64 baseline) instance of the pair kernel: two pairs per instruction.
#include "core/potential/kernels/PairKernelImpl.h"
#include "core/potential/kernels/SimdSse2.h"

namespace tlscope::kernel {

double pairForcesSse2(const PairArrays& a) { return detail::pairForces<detail::Sse2, detail::Sse2>(a); }

} // namespace tlscope::kernel
