#pragma once
// LAMMPS data files (read and write) and text dump files (read): glasses made with LAMMPS come
// in, ours go out, and LAMMPS recomputes the same energy (docs/file-formats.md).
#include "core/system/Configuration.h"

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace tlscope {

class Model;

/// A configuration read from a LAMMPS file, with what the reader noticed but accepted.
struct LammpsImport {
    Configuration conf; ///< with conf.diameters where the file has them (sphere style, dump column)
    long timestep = -1;                       ///< dump files: the frame's timestep
    std::vector<std::string> warnings;        ///< e.g. masses that differ from the model's
};

/// Reads a data file written by `write_data` or by hand. Atom styles atomic, charge, sphere,
/// molecular and full (from the "Atoms # style" comment; without it, atomic). Atom type t is
/// the model's species t - 1; ids may come in any order; image flags are applied; the box must
/// be orthogonal and cubic and is shifted to start at 0. Throws InputError naming the file,
/// the line and what was expected.
LammpsImport readLammpsData(const std::string& path, const Model& model);
LammpsImport readLammpsData(std::istream& in, const std::string& source, const Model& model);

/// Reads one frame of a text dump (`dump atom` or `dump custom` with id, type and x y z, xu yu
/// zu or xs ys zs; `diameter` or `radius` where present). frame < 0 counts from the end (-1:
/// the last frame).
LammpsImport readLammpsDump(const std::string& path, const Model& model, int frame = -1);
LammpsImport readLammpsDump(std::istream& in, const std::string& source, const Model& model, int frame = -1);

/// Writes an `atom_style atomic` data file (ids 1..N in particle order, type = species + 1,
/// masses from the model, positions wrapped into [0, L)). Written safely (never half a file).
void writeLammpsData(const std::string& path, const Configuration& conf, const Model& model);
void writeLammpsData(std::ostream& out, const Configuration& conf, const Model& model);

/// A LAMMPS input script that reads `dataFile` and prints the potential energy of the
/// configuration with this model's pair potential (lj/smooth/linear for force-shifted models,
/// lj/cut with shifted energy otherwise): the cross-check of our energies in LAMMPS.
std::string lammpsInputScript(const Model& model, const std::string& dataFile);

} // namespace tlscope
