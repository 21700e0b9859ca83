#pragma once
// Checkpoints of a metabasin walk (`tlscope-cli explore --resume`): the walk so far and the MD
// state at a quench boundary, in one binary file beside the session (`run.tls.h5.walk`),
// written atomically and guarded by a checksum. The exploration's parameters and the glass's
// size are stored with it: a checkpoint of another run is refused, never silently used.
#include "core/explore/Metabasin.h"

#include <string>

namespace tlscope {

/// The checkpoint file of a session: `session + ".walk"`.
std::string walkCheckpointPath(const std::string& sessionPath);

/// Writes `cp` (atomically: temporary, fsync, rename). `identity` is what must match on resume
/// (the exploration's parameters text). Throws InputError on a write failure.
void writeWalkCheckpoint(const std::string& path, const WalkCheckpoint& cp, const std::string& identity);

/// Reads a checkpoint written for `identity` and `dimension` coordinates. Throws InputError
/// naming the file and what is wrong: not a checkpoint, damaged (checksum), truncated, or of
/// another exploration (parameters differ).
WalkCheckpoint readWalkCheckpoint(const std::string& path, const std::string& identity, Eigen::Index dimension);

} // namespace tlscope
