// libFuzzer harness: the session reader on arbitrary bytes (seeded with real sessions), plus the
// analysis and the exports a user would run on what it accepts.
#include "core/analysis/Analysis.h"
#include "core/common/Error.h"
#include "core/io/SessionFile.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/tlscope-fuzz-session-" + std::to_string(::getpid()) + ".tls.h5";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const tlscope::SessionData s = tlscope::readSession(path);
        (void)tlscope::formatReport(tlscope::analyzeCatalog(s));
        if (!s.doubleWells.empty()) tlscope::writeDoubleWellXyz(s, 0, path + ".xyz");
    } catch (const tlscope::InputError&) {
    } catch (const tlscope::NumericalError&) {
    }
    return 0;
}
