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

} // namespace tlscope::kernel
