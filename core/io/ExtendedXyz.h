#pragma once
// Extended XYZ (ASE/OVITO dialect) reading and writing.
#include "core/system/Configuration.h"

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tlscope {

class Model;

/// One frame as written in the file, before species names are mapped onto a model.
struct XyzFrame {
    double boxLength = 0.0;
    std::vector<std::string> speciesNames;
    Eigen::VectorXd positions;
    std::optional<Eigen::VectorXd> forces;
    std::optional<Eigen::VectorXd> velocities;
    std::vector<double> diameters; ///< a `diameter` (or `radius`, doubled) column, where present
    /// Every other real (R) column by name, `width` values per particle (e.g. a checkpoint's travel:R:3).
    std::map<std::string, std::vector<double>> realColumns;
    std::optional<double> energy;
    std::map<std::string, std::string> info; ///< every key=value of the comment line

    /// Maps species names onto the model; throws InputError naming the unknown species.
    Configuration toConfiguration(const Model& model, const std::string& source) const;
};

/// Extra per-particle real columns for writing (e.g. displacement, energy). Diameters are
/// written as a `diameter` column whenever the configuration has them.
struct XyzColumn {
    std::string name;
    int width = 1; ///< values per particle
    Eigen::VectorXd values;
};

/// Reads the next frame. Returns false at a clean end of input; throws InputError naming
/// `source`, the line and what was expected for malformed input.
bool readXyzFrame(std::istream& in, const std::string& source, int& lineNo, XyzFrame& frame);
/// Reads the first frame of a file.
XyzFrame readXyzFile(const std::string& path);
/// Reads every frame of a file.
std::vector<XyzFrame> readXyzFrames(const std::string& path);

struct XyzWriteOptions {
    const Eigen::VectorXd* forces = nullptr;
    const Eigen::VectorXd* velocities = nullptr;
    std::optional<double> energy;
    std::vector<XyzColumn> extraColumns;
    std::map<std::string, std::string> info; ///< extra comment-line key=value pairs
    bool wrap = true;
};

void writeXyzFrame(std::ostream& out, const Configuration& conf, const Model& model,
                   const XyzWriteOptions& options = {});
/// Writes atomically (temporary file + rename), so an existing file is never half-overwritten.
void writeXyzFile(const std::string& path, const std::vector<Configuration>& frames,
                  const Model& model, const std::vector<XyzWriteOptions>& options = {});

} // namespace tlscope
