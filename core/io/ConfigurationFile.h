#pragma once
// One entry point for configuration files of every format TLScope reads: extended XYZ,
// LAMMPS data and LAMMPS text dumps, recognised by name or content.
#include "core/system/Configuration.h"

#include <optional>
#include <string>
#include <vector>

namespace tlscope {

class Model;

enum class ConfigurationFormat { Xyz, LammpsData, LammpsDump };

/// "xyz", "lammps-data", "lammps-dump"; throws InputError for anything else.
ConfigurationFormat parseConfigurationFormat(const std::string& name);
std::string configurationFormatName(ConfigurationFormat f);

/// By extension (.xyz/.extxyz, .data/.lmp, .dump/.lammpstrj), else by the first lines of an
/// existing file (ITEM: TIMESTEP is a dump, an 'N atoms' line a data file), else XYZ.
ConfigurationFormat detectConfigurationFormat(const std::string& path);

struct LoadedConfiguration {
    Configuration conf;
    std::vector<std::string> warnings;
    ConfigurationFormat format = ConfigurationFormat::Xyz;
};

struct XyzWriteOptions;

/// Writes in the format of the name: LAMMPS data for .data/.lmp/.lammps (the XYZ options'
/// extra columns and info do not fit that format and are left out), extended XYZ otherwise.
void writeConfigurationFile(const std::string& path, const Configuration& conf, const Model& model,
                            const XyzWriteOptions& xyzOptions);

/// Reads one configuration (the first XYZ frame; for dumps `frame`, -1 the last).
LoadedConfiguration readConfigurationFile(const std::string& path, const Model& model, int frame = -1,
                                          std::optional<ConfigurationFormat> format = std::nullopt);

} // namespace tlscope
