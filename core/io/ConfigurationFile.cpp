#include "core/io/ConfigurationFile.h"

#include "core/common/Error.h"
#include "core/io/ExtendedXyz.h"
#include "core/io/LammpsData.h"
#include "core/model/Model.h"

#include <cctype>
#include <fstream>

namespace tlscope {

ConfigurationFormat parseConfigurationFormat(const std::string& name) {
    if (name == "xyz") return ConfigurationFormat::Xyz;
    if (name == "lammps-data") return ConfigurationFormat::LammpsData;
    if (name == "lammps-dump") return ConfigurationFormat::LammpsDump;
    throw InputError("unknown configuration format '" + name + "' (expected xyz, lammps-data or lammps-dump)");
}

std::string configurationFormatName(ConfigurationFormat f) {
    switch (f) {
    case ConfigurationFormat::Xyz: return "xyz";
    case ConfigurationFormat::LammpsData: return "lammps-data";
    case ConfigurationFormat::LammpsDump: return "lammps-dump";
    }
    return "xyz";
}

ConfigurationFormat detectConfigurationFormat(const std::string& path) {
    auto endsWith = [&](const char* suffix) {
        const std::string s(suffix);
        return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
    };
    if (endsWith(".xyz") || endsWith(".extxyz")) return ConfigurationFormat::Xyz;
    if (endsWith(".data") || endsWith(".lmp") || endsWith(".lammps")) return ConfigurationFormat::LammpsData;
    if (endsWith(".dump") || endsWith(".lammpstrj")) return ConfigurationFormat::LammpsDump;
    std::ifstream in(path);
    std::string line;
    for (int k = 0; k < 6 && std::getline(in, line); ++k) {
        if (line.rfind("ITEM: TIMESTEP", 0) == 0) return ConfigurationFormat::LammpsDump;
        if (k > 0 && line.find(" atoms") != std::string::npos) return ConfigurationFormat::LammpsData;
    }
    return ConfigurationFormat::Xyz;
}

void writeConfigurationFile(const std::string& path, const Configuration& conf, const Model& model,
                            const XyzWriteOptions& xyzOptions) {
    std::string lower = path;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    auto endsWith = [&](const std::string& s) {
        return lower.size() >= s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0;
    };
    if (endsWith(".data") || endsWith(".lmp") || endsWith(".lammps")) writeLammpsData(path, conf, model);
    else writeXyzFile(path, {conf}, model, {xyzOptions});
}

LoadedConfiguration readConfigurationFile(const std::string& path, const Model& model, int frame,
                                          std::optional<ConfigurationFormat> format) {
    LoadedConfiguration out;
    out.format = format ? *format : detectConfigurationFormat(path);
    switch (out.format) {
    case ConfigurationFormat::Xyz: {
        const XyzFrame f = readXyzFile(path);
        out.conf = f.toConfiguration(model, path);
        break;
    }
    case ConfigurationFormat::LammpsData:
    case ConfigurationFormat::LammpsDump: {
        LammpsImport r = out.format == ConfigurationFormat::LammpsData ? readLammpsData(path, model)
                                                                        : readLammpsDump(path, model, frame);
        out.conf = std::move(r.conf);
        out.warnings = std::move(r.warnings);
        break;
    }
    }
    return out;
}

} // namespace tlscope
