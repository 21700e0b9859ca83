#pragma once
// Lennard-Jones pair interactions of a model in a periodic cubic box: energy, forces, Hessian.
#include "core/model/Model.h"
#include "core/potential/EnergySurface.h"
#include "core/potential/LjPair.h"
#include "core/potential/PairKernel.h"
#include "core/potential/SoftSpherePair.h"
#include "core/system/NeighbourList.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace tlscope {

struct Configuration;

enum class NeighbourMethod { Auto, AllPairs, VerletList };

/// The potential energy surface of one system (model, species, box; for soft-sphere models the
/// per-particle diameters). Keeps a neighbour list cache, so use one instance per thread.
/// Both families run the vectorised kernels (core/potential/PairKernel.h).
class PairPotential final : public EnergySurface {
public:
    PairPotential(const Model& model, const std::vector<int>& species, double boxLength,
                  NeighbourMethod method = NeighbourMethod::Auto, double skin = 0.3,
                  const std::vector<double>& diameters = {});
    PairPotential(const Model& model, const Configuration& conf,
                  NeighbourMethod method = NeighbourMethod::Auto);

    Eigen::Index dimension() const override { return 3 * static_cast<Eigen::Index>(species_.size()); }
    double energyAndForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) override;
    double energy(const Eigen::VectorXd& x) override;
    Eigen::MatrixXd hessian(const Eigen::VectorXd& x) override;
    Eigen::SparseMatrix<double> sparseHessian(const Eigen::VectorXd& x) override;
    void resetCaches() override {
        if (list_) list_->invalidate();
        for (auto& part : parts_) part->resetCaches();
    }
    std::unique_ptr<EnergySurface> clone() const override;
    /// The three uniform translations (normalised); with copies, those of each copy.
    Eigen::MatrixXd zeroModeBasis() const override;
    Eigen::VectorXd displacement(const Eigen::VectorXd& a, const Eigen::VectorXd& b) const override;
    int zeroModeCount() const override { return 3 * std::max<int>(1, static_cast<int>(parts_.size())); }
    /// Single-precision forces where the kernel path has them (AVX-512), for all pairs (below
    /// the neighbour-list threshold; each copy on its own) of the Lennard-Jones models.
    bool singlePrecisionForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) override;

    /// Plain scalar pair loop (no SIMD), kept as an independent reference for tests.
    double referenceEnergyForce(const Eigen::VectorXd& x, Eigen::VectorXd& force);

    /// Each particle's share of the energy (half of each pair it belongs to).
    Eigen::VectorXd particleEnergies(const Eigen::VectorXd& x);

    /// The instruction set of the force kernel (default: kernel::activePath()).
    void setKernel(kernel::Path path);
    kernel::Path kernelPath() const { return kernelPath_; }

    bool usesNeighbourList() const { return parts_.empty() ? list_ != nullptr : parts_.front()->usesNeighbourList(); }
    /// Independent copies (model().copies > 1): each is a potential of its own, evaluated on its
    /// block of coordinates; the energy is their sum and the Hessian block-diagonal.
    int copies() const { return parts_.empty() ? 1 : static_cast<int>(parts_.size()); }
    double boxLength() const { return box_; }
    const std::vector<int>& species() const { return species_; }
    const Model& model() const { return model_; }
    const std::vector<double>& diameters() const { return diameters_; }

private:
    using PairTerm = LjPair;
    template <class Visit> void forEachCandidate(const Eigen::VectorXd& x, Visit&& visit);
    template <class Visit> void forEachPair(const Eigen::VectorXd& x, Visit&& visit);
    /// Every interacting pair with its energy e, (dV/dr)/r and d2V/dr2, for either family.
    template <class Visit> void forEachRadial(const Eigen::VectorXd& x, Visit&& visit);
    double kernelEnergyForce(const Eigen::VectorXd& x, Eigen::VectorXd& force);
    /// Copies: calls f(part, its coordinates, k) for each copy k.
    template <class F> void forEachPart(const Eigen::VectorXd& x, F&& f);
    std::vector<std::unique_ptr<PairPotential>> parts_;
    Eigen::VectorXd partX_, partF_;
    void layoutRows();
    std::vector<int> rowParticle_; ///< particle held in each SoA row (cell order with a list)
    std::vector<int> rowSpecies_;
    kernel::Function kernel_ = nullptr;
    kernel::SoftFunction softKernel_ = nullptr;
    std::vector<double> rowDiameter_; ///< soft spheres: each row's diameter (padding rows 0)
    /// Soft spheres: the Verlet list reduced to pairs within their own sigma_ij cutoff + skin.
    std::vector<int> softStart_, softList_;
    void pruneSoftList();
    Eigen::VectorXd scratchForce_;
    kernel::Path kernelPath_ = kernel::Path::Scalar;
    int layoutBuild_ = -1;

    // Structure-of-arrays copies for the vectorised all-pairs kernel: coordinates, force
    // accumulators, and for each species a the pair parameters with every particle j.
    std::vector<double> sx_, sy_, sz_, fx_, fy_, fz_;
    std::vector<double> pSigma2_, pEps4_, pRc_, pRc2_, pV_, pDv_;
    // The same in single precision (made on first use; kernel::kSinglePadding padding rows).
    std::vector<float> fsx_, fsy_, fsz_, ffx_, ffy_, ffz_, fSigma2_, fEps4_, fRc2_, fDv_;
    kernel::SingleFunction single_ = nullptr;

    Model model_;
    std::vector<int> species_;
    double box_;
    int speciesCount_;
    std::vector<PairTerm> table_;
    std::vector<double> diameters_;
    bool soft_ = false;
    SoftSpherePair softPair_;
    std::unique_ptr<NeighbourList> list_;
    NeighbourMethod method_ = NeighbourMethod::Auto;
    double skin_ = 0.3;
};

} // namespace tlscope
