// libFuzzer harness: the LAMMPS data-file and dump readers (one input, read as both).
#include "core/common/Error.h"
#include "core/io/LammpsData.h"
#include "core/model/Model.h"

#include <cstddef>
#include <cstdint>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const tlscope::Model model = tlscope::Model::preset("ka-rh");
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (int frame : {-1, 0, -2}) {
        try {
            std::istringstream in(text);
            if (frame == -1) tlscope::readLammpsData(in, "fuzz.data", model);
            std::istringstream dump(text);
            tlscope::readLammpsDump(dump, "fuzz.dump", model, frame);
        } catch (const tlscope::InputError&) {
            // Rejected with a message: the expected outcome for malformed input.
        }
    }
    return 0;
}
