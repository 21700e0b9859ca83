// libFuzzer harness: the model-file reader.
#include "core/common/Error.h"
#include "core/model/Model.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const tlscope::Model m = tlscope::Model::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.model");
        (void)m.serialize();
        (void)m.boxLengthFor(65);
    } catch (const tlscope::InputError&) {
    }
    return 0;
}
