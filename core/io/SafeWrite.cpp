#include "core/io/SafeWrite.h"

#include "core/common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tlscope {

void writeFileSafely(const std::string& path, const std::function<void(std::ostream&)>& write) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty()) throw InputError("no output file name given");
    fs::path target = path;
    if (fs::is_symlink(target, ec)) {
        const fs::path resolved = fs::weakly_canonical(target, ec);
        if (!ec) target = resolved;
    }
    const fs::file_status status = fs::status(target, ec);
    if (fs::is_directory(status)) throw InputError(path + ": is a directory; give a file name");
    std::ostringstream content;
    write(content);
    const std::string bytes = content.str();
    auto failure = [&](const std::string& what, int error) {
        return InputError(path + ": " + what + (error ? std::string(": ") + std::strerror(error) : std::string()));
    };
    if (fs::exists(status) && !fs::is_regular_file(status)) {
        // A device or a FIFO: replacing it would be wrong (as root, /dev/null itself).
        std::ofstream out(target, std::ios::binary);
        if (!out) throw failure("cannot open for writing", errno);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) throw failure("write failed", errno);
        return;
    }
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "." + s + "...".
    std::string tmp = dir.string();
    tmp.append("/.");
    tmp.append(target.filename().string());
    tmp.append(".XXXXXX");
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) throw failure("cannot create a file in " + dir.string(), errno);
    int error = 0;
    for (std::size_t done = 0; done < bytes.size() && !error;) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno != EINTR) error = errno;
        } else {
            done += static_cast<std::size_t>(n);
        }
    }
    if (!error && ::fsync(fd) != 0) error = errno;
    // Keep the permissions of the file we replace.
    if (!error && fs::exists(status)) ::fchmod(fd, static_cast<mode_t>(status.permissions()) & 07777);
    else if (!error) ::fchmod(fd, 0644);
    if (::close(fd) != 0 && !error) error = errno;
    if (!error && std::rename(tmp.c_str(), target.c_str()) != 0) error = errno;
    if (error) {
        std::remove(tmp.c_str());
        throw failure(error == ENOSPC ? "the disk is full; nothing was written" : "write failed; nothing was written", error == ENOSPC ? 0 : error);
    }
}

} // namespace tlscope
