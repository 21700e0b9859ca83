#pragma once
// Writing a file so that a failure never leaves a damaged or half-written one behind.
#include <functional>
#include <ostream>
#include <string>

namespace tlscope {

/// Writes `path` with `write`. A regular file (or a new one) is written to a temporary beside
/// the target, flushed to disk and renamed over it only when everything succeeded; on any
/// failure the temporary is removed and an existing file is left untouched. A symbolic link is
/// followed (its target is replaced, the link stays); what is not a regular file (/dev/null, a
/// FIFO) is written through directly. Throws InputError naming the file and the reason (disk
/// full, permission, a directory).
void writeFileSafely(const std::string& path, const std::function<void(std::ostream&)>& write);

} // namespace tlscope
