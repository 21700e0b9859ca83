#pragma once
// A particle model: species, masses, composition and pair potentials (PHYSICS.md §1).
#include <cmath>
#include <string>
#include <vector>

namespace tlscope {

/// How the Lennard-Jones pair potential is made to vanish at the cutoff.
enum class CutoffMode {
    ForceShifted,  ///< V - V(rc) - (r - rc) V'(rc): energy and force continuous (lj/smooth/linear)
    EnergyShifted, ///< V - V(rc): energy continuous, force jumps at rc
};

/// The pair-potential family of a model.
enum class Interaction {
    LennardJones, ///< per species pair (sigma, epsilon, cutoff), cut as cutoffMode says
    SoftSphere,   ///< continuously polydisperse soft spheres: per-particle diameters
};

/// Polydisperse soft spheres (Ninarello, Berthier & Coslovich, PRX 7, 021039 (2017);
/// PHYSICS.md §1.3): diameters from P(sigma) ~ sigma^-3 on [sigma_min, sigma_max] with
/// sigma_max/sigma_min = `ratio` and mean 1, sigma_ij = (sigma_i + sigma_j)/2 (1 - nonAdditivity
/// |sigma_i - sigma_j|), V = eps [(sigma_ij/r)^12 + c0 + c2 (r/sigma_ij)^2 + c4 (r/sigma_ij)^4]
/// for r < cutoffFactor sigma_ij, the c's making V, V' and V'' vanish at the cutoff.
struct SoftSphereParameters {
    double epsilon = 1.0;
    double ratio = 2.219;          ///< sigma_max / sigma_min
    double nonAdditivity = 0.2;
    double cutoffFactor = 1.25;
    double maxSwapDifference = 0.2; ///< diameter swaps with |sigma_i - sigma_j| above this are rejected
    /// The diameter range of the distribution (mean 1).
    double sigmaMin() const { return (1.0 + ratio) / (2.0 * ratio); }
    double sigmaMax() const { return ratio * sigmaMin(); }
    /// The diameter below which a fraction u of P(sigma) lies (the inverse of its CDF).
    double quantile(double u) const {
        const double a = 1.0 / (sigmaMin() * sigmaMin()), b = 1.0 / (sigmaMax() * sigmaMax());
        return 1.0 / std::sqrt(a - u * (a - b));
    }
    double pairSigma(double si, double sj) const {
        return 0.5 * (si + sj) * (1.0 - nonAdditivity * std::abs(si - sj));
    }
};

/// How the model's reduced units map onto a real material (PHYSICS.md §1.1, §1.3): eps in
/// kelvin, sigma in angstrom, the mass unit in u. Sets hbar* and the kelvin scale of E_qs.
struct UnitMapping {
    double epsilonKelvin = 933.9; ///< NiP (Reinisch & Heuer)
    double sigmaAngstrom = 2.2;
    double massU = 62.0;
    /// hbar / (sigma sqrt(m eps)): 0.013157 for NiP, 0.0296 for argon.
    double hbar() const {
        const double hbarSI = 1.054571817e-34, kB = 1.380649e-23, u = 1.66053906660e-27;
        return hbarSI / (sigmaAngstrom * 1e-10 * std::sqrt(massU * u * epsilonKelvin * kB));
    }
    double toKelvin(double energy) const { return energy * epsilonKelvin; }
    double fromKelvin(double kelvin) const { return kelvin / epsilonKelvin; }
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
    Interaction interaction = Interaction::LennardJones;
    SoftSphereParameters softSphere; ///< used when interaction == SoftSphere
    UnitMapping units;
    /// A DWP is a TLS when its E_qs is below this (in eps): 1 K with the NiP mapping for the KA
    /// models; 0.00151 eps for the soft spheres (the threshold of Khomenko et al.'s analysis).
    double tlsThreshold = 1.0 / 933.9;
    double density = 1.2; ///< number density used by `generate` and the built-in demo
    /// Independent copies of the system sharing one box (Reinisch & Heuer's "2 x 65": two
    /// non-interacting 65-particle glasses, energies added). Particles [k n/copies, (k+1)
    /// n/copies) form copy k, each with the full composition at `density`; pairs of different
    /// copies do not interact. 1: an ordinary system. Only the DWP search supports copies > 1.
    int copies = 1;

    /// Pair parameters, symmetric: pair(a,b) == pair(b,a).
    const PairParameters& pair(int a, int b) const { return pairs_[index(a, b)]; }
    void setPair(int a, int b, const PairParameters& p);

    int speciesCount() const { return static_cast<int>(species.size()); }
    /// Index of a species by name, or -1.
    int speciesIndex(const std::string& name) const;
    /// The largest pair cutoff (soft spheres: that of two particles of the largest diameter the
    /// distribution draws; see maxCutoff(diameters) for a given configuration).
    double maxCutoff() const;
    /// The largest cutoff among particles with these diameters (ignored for Lennard-Jones).
    double maxCutoff(const std::vector<double>& diameters) const;
    /// True for models whose particles carry their own diameters.
    bool perParticleDiameters() const { return interaction == Interaction::SoftSphere; }

    /// Number of particles of each species for a system of n particles. The last species takes
    /// the remainder so that ka-rh at N=65 gives 52 A + 13 B (round(0.2 N) B particles). With
    /// copies, each copy of n/copies particles has this composition.
    std::vector<int> composition(int n) const;
    /// The particles of one copy: n / copies. Throws InputError unless copies divides n.
    int particlesPerCopy(int n) const;
    /// "65", or "2 x 65" for copies (with `times` between the factors).
    std::string systemSize(int n, const std::string& times = " x ") const {
        return copies > 1 && n % copies == 0 ? std::to_string(copies) + times + std::to_string(n / copies) : std::to_string(n);
    }
    /// Throws InputError naming `what` if copies > 1 (what only the DWP search supports).
    void requireOneCopy(const std::string& what) const;

    /// Throws InputError if a parameter is unphysical (non-positive mass, sigma, epsilon...).
    void validate() const;

    /// Cubic box edge for n particles at this model's density (with copies: for one copy of
    /// n / copies particles, the box they share).
    double boxLengthFor(int n) const;

    /// Built-in presets: "ka-rh" (default), "ka-rh-perpair", "ka", "ka-energy-shifted", "ka2",
    /// "ka2-force-shifted",
    /// "soft-spheres".
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
