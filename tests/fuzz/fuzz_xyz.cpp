// libFuzzer harness: the extended XYZ reader (every frame) and its conversion to a configuration.
#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"
#include "core/model/Model.h"

#include <cstddef>
#include <cstdint>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const tlscope::Model model = tlscope::Model::preset("ka-rh");
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    int line = 0;
    tlscope::XyzFrame frame;
    try {
        while (tlscope::readXyzFrame(in, "fuzz.xyz", line, frame)) frame.toConfiguration(model, "fuzz.xyz");
    } catch (const tlscope::InputError&) {
        // Rejected with a message: the expected outcome for malformed input.
    }
    return 0;
}
