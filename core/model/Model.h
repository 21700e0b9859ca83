#pragma once
// A particle model: species, masses, composition and pair potentials (PHYSICS.md §1).
#include <string>
#include <vector>

namespace tlscope {

/// How the Lennard-Jones pair potential is made to vanish at the cutoff.
enum class CutoffMode {
    ForceShifted,  ///< V - V(rc) - (r - rc) V'(rc): energy and force continuous (lj/smooth/linear)
    EnergyShifted, ///< V - V(rc): energy continuous, force jumps at rc
};

/// One particle species.
struct Species {
    std::string name;
    double mass = 1.0;
    double fraction = 0.0; ///< share of particles of this species when a system is generated
};

/// Lennard-Jones parameters of one species pair.
struct PairParameters {
    double sigma = 1.0;
    double epsilon = 1.0;
    double cutoff = 2.5; ///< absolute cutoff radius (not in units of sigma)
};

/// A model is data: species, pair table, cutoff mode and the density systems are built at.
class Model {
public:
    std::string name;
    std::vector<Species> species;
    CutoffMode cutoffMode = CutoffMode::ForceShifted;
    double density = 1.2; ///< number density used by `generate` and the built-in demo

    /// Pair parameters, symmetric: pair(a,b) == pair(b,a).
    const PairParameters& pair(int a, int b) const { return pairs_[index(a, b)]; }
    void setPair(int a, int b, const PairParameters& p);

    int speciesCount() const { return static_cast<int>(species.size()); }
    /// Index of a species by name, or -1.
    int speciesIndex(const std::string& name) const;
    double maxCutoff() const;

    /// Number of particles of each species for a system of n particles. The last species takes
    /// the remainder so that ka-rh at N=65 gives 52 A + 13 B (round(0.2 N) B particles).
    std::vector<int> composition(int n) const;

    /// Throws InputError if a parameter is unphysical (non-positive mass, sigma, epsilon...).
    void validate() const;

    /// Cubic box edge for n particles at this model's density.
    double boxLengthFor(int n) const;

    /// Built-in presets: "ka-rh" (default), "ka-rh-perpair", "ka", "ka-energy-shifted", "ka2".
    static Model preset(const std::string& name);
    static std::vector<std::string> presetNames();
    /// A preset name or a path to a model file (see docs/model-files.md).
    static Model fromNameOrFile(const std::string& nameOrPath);
    static Model parse(const std::string& text, const std::string& sourceName);
    /// The model in the file format `parse` reads.
    std::string serialize() const;

private:
    int index(int a, int b) const { return a * speciesCount() + b; }
    std::vector<PairParameters> pairs_;
};

} // namespace tlscope
