#pragma once
// Swap Monte Carlo checkpoints on disk: an extended XYZ frame (so OVITO or TLScope can show the
// glass as it was) with the run's state in the comment line and the travelled displacements as
// extra columns. Written atomically; `prepare --resume` continues from it to the same glass.
#include "core/dynamics/SwapMonteCarlo.h"

#include <map>
#include <string>

namespace tlscope {

/// `identity` holds what must match on resume (model, N, temperatures, sweeps, seed, ...):
/// stored as checkpoint_* keys and compared by readSwapCheckpoint.
void writeSwapCheckpoint(const std::string& path, const SwapCheckpoint& cp, const Model& model,
                         const std::map<std::string, std::string>& identity);
/// Throws InputError naming the file and the first key whose value differs from `identity`
/// (a checkpoint of another run), or what is malformed.
SwapCheckpoint readSwapCheckpoint(const std::string& path, const Model& model, const std::map<std::string, std::string>& identity);

} // namespace tlscope
