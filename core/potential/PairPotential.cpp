#include "core/potential/PairPotential.h"

#include "core/common/Error.h"
#include "core/system/Configuration.h"

#include <algorithm>
#include <cmath>

namespace tlscope {

namespace {
// Below this size all pairs (contiguous vector loads) beat a Verlet list (scattered partners):
// bench_core BM_ForcesMethod, docs/performance.md.
constexpr int kListThreshold = 128;
} // namespace

PairPotential::PairPotential(const Model& model, const std::vector<int>& species,
                             double boxLength, NeighbourMethod method, double skin,
                             const std::vector<double>& diameters)
    : model_(model), species_(species), box_(boxLength), speciesCount_(model.speciesCount()),
      diameters_(diameters), soft_(model.perParticleDiameters()) {
    method_ = method, skin_ = skin;
    setKernel(kernel::activePath());
    model_.validate();
    if (model_.copies > 1) { // one potential per copy, nothing of its own
        const int n = static_cast<int>(species_.size()), per = model_.particlesPerCopy(n);
        Model single = model_;
        single.copies = 1;
        for (int k = 0; k < model_.copies; ++k) {
            const auto first = species_.begin() + static_cast<std::ptrdiff_t>(k) * per;
            std::vector<double> d;
            if (!diameters_.empty()) {
                if (diameters_.size() != species_.size())
                    throw InputError("model '" + model_.name + "' needs a diameter for each of the " +
                                     std::to_string(species_.size()) + " particles, got " + std::to_string(diameters_.size()));
                d.assign(diameters_.begin() + static_cast<std::ptrdiff_t>(k) * per,
                         diameters_.begin() + static_cast<std::ptrdiff_t>(k + 1) * per);
            }
            parts_.push_back(std::make_unique<PairPotential>(single, std::vector<int>(first, first + per), box_, method, skin, d));
        }
        return;
    }
    if (soft_) {
        softPair_ = SoftSpherePair::make(model_.softSphere);
        if (diameters_.size() != species_.size())
            throw InputError("model '" + model_.name + "' needs a diameter for each of the " +
                             std::to_string(species_.size()) + " particles, got " + std::to_string(diameters_.size()));
        for (double d : diameters_)
            if (!(d > 0.0) || !std::isfinite(d)) throw InputError("a particle diameter is not a finite value > 0");
    }
    checkCutoffFitsBox(model_, box_, diameters_);
    const double maxCutoff = model_.maxCutoff(diameters_);
    for (std::size_t i = 0; i < species_.size(); ++i)
        if (species_[i] < 0 || species_[i] >= speciesCount_)
            throw InputError("particle " + std::to_string(i) + " has species index " +
                             std::to_string(species_[i]) + " outside the model");
    table_.resize(static_cast<std::size_t>(speciesCount_ * speciesCount_));
    for (int a = 0; a < speciesCount_; ++a)
        for (int b = 0; b < speciesCount_; ++b) {
            const PairTerm t = LjPair::make(model_.pair(a, b), model_.cutoffMode);
            table_[static_cast<std::size_t>(a * speciesCount_ + b)] = t;
        }
    const int n = static_cast<int>(species_.size());
    const bool listFits = NeighbourList::fits(maxCutoff, skin, box_);
    bool useList = method == NeighbourMethod::VerletList ||
                   (method == NeighbourMethod::Auto && n >= kListThreshold);
    if (method == NeighbourMethod::VerletList && !listFits)
        throw InputError("box too small for a Verlet list (the cutoff must be < L/2)");
    if (useList && listFits)
        list_ = std::make_unique<NeighbourList>(maxCutoff, skin, box_);
    if (list_) list_->setScan(kernel::scanFunction(kernelPath_));
    {
        const auto padded = static_cast<std::size_t>(n + kernel::kPadding),
                   ns = static_cast<std::size_t>(speciesCount_);
        for (auto* v : {&sx_, &sy_, &sz_, &fx_, &fy_, &fz_}) v->assign(padded, 0.0);
        for (auto* v : {&pSigma2_, &pEps4_, &pRc_, &pRc2_, &pV_, &pDv_}) v->assign(ns * padded, 0.0);
        if (soft_) rowDiameter_.assign(padded, 0.0);
        layoutRows();
        layoutBuild_ = -1; // the list has not been built yet
    }
}

void PairPotential::layoutRows() {
    // Row r of the SoA arrays holds particle order[r]; pair parameters follow that order.
    // Padding rows (kernel::kPadding of them) keep zero cutoffs and never interact.
    const auto un = species_.size(), ns = static_cast<std::size_t>(speciesCount_);
    const auto stride = un + static_cast<std::size_t>(kernel::kPadding);
    rowParticle_.resize(un);
    rowSpecies_.resize(un);
    for (std::size_t r = 0; r < un; ++r) {
        rowParticle_[r] = list_ && !list_->order().empty() ? list_->order()[r] : static_cast<int>(r);
        rowSpecies_[r] = species_[static_cast<std::size_t>(rowParticle_[r])];
        if (soft_) rowDiameter_[r] = diameters_[static_cast<std::size_t>(rowParticle_[r])];
    }
    for (std::size_t a = 0; a < ns; ++a)
        for (std::size_t r = 0; r < un; ++r) {
            const PairTerm& t = table_[a * ns + static_cast<std::size_t>(rowSpecies_[r])];
            const std::size_t k = a * stride + r;
            pSigma2_[k] = t.sigma2, pEps4_[k] = t.eps4, pRc_[k] = t.rc, pRc2_[k] = t.rc2;
            pV_[k] = t.vAtCutoff, pDv_[k] = t.dvAtCutoff;
        }
    layoutBuild_ = list_ ? list_->buildCount() : 0;
}

void PairPotential::pruneSoftList() {
    // The list radius is set by the largest pair (xc times the largest diameter, plus the
    // skin); most pairs have a far smaller sigma_ij. Keeping only pairs closer than their own
    // xc sigma_ij + skin at the build is the same Verlet criterion pair by pair: until some
    // particle moves more than half the skin, no dropped pair comes within its cutoff.
    const int n = static_cast<int>(species_.size());
    const auto& start = list_->rowStart();
    const auto& nb = list_->neighbours();
    const double L = box_, invL = 1.0 / L, xc = std::sqrt(softPair_.xc2);
    softStart_.assign(static_cast<std::size_t>(n) + 1, 0);
    softList_.clear();
    softList_.reserve(nb.size());
    for (int r = 0; r < n; ++r) {
        const auto ur = static_cast<std::size_t>(r);
        for (int k = start[ur]; k < start[ur + 1]; ++k) {
            const auto j = static_cast<std::size_t>(nb[static_cast<std::size_t>(k)]);
            const double dx = minimumImage(sx_[ur] - sx_[j], L, invL), dy = minimumImage(sy_[ur] - sy_[j], L, invL),
                         dz = minimumImage(sz_[ur] - sz_[j], L, invL);
            const double reach = xc * softPair_.sigma(rowDiameter_[ur], rowDiameter_[j]) + skin_;
            if (dx * dx + dy * dy + dz * dz < reach * reach) softList_.push_back(static_cast<int>(j));
        }
        softStart_[ur + 1] = static_cast<int>(softList_.size());
    }
}

double PairPotential::kernelEnergyForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
    const int n = static_cast<int>(species_.size());
    bool rebuilt = false;
    if (list_) {
        list_->update(x);
        if (list_->buildCount() != layoutBuild_) layoutRows(), rebuilt = true;
    }
    const int* particle = rowParticle_.data();
    for (int r = 0; r < n; ++r) {
        const int i = particle[r];
        sx_[r] = x[3 * i], sy_[r] = x[3 * i + 1], sz_[r] = x[3 * i + 2];
    }
    if (soft_ && rebuilt) pruneSoftList();
    std::fill(fx_.begin(), fx_.end(), 0.0);
    std::fill(fy_.begin(), fy_.end(), 0.0);
    std::fill(fz_.begin(), fz_.end(), 0.0);
    double energy = 0.0;
    if (soft_) {
        const SoftSpherePair& p = softPair_;
        kernel::SoftArrays a{sx_.data(), sy_.data(), sz_.data(), fx_.data(), fy_.data(), fz_.data(),
                             rowDiameter_.data(), n, box_, nullptr, nullptr,
                             p.eps, p.xc2, p.c0, p.c2, p.c4, p.nonAdditivity};
        if (list_) a.listStart = softStart_.data(), a.list = softList_.data();
        energy = softKernel_(a);
    } else {
        kernel::PairArrays a{sx_.data(),     sy_.data(),    sz_.data(),  fx_.data(),  fy_.data(),
                             fz_.data(),     pSigma2_.data(), pEps4_.data(), pRc_.data(), pRc2_.data(),
                             pV_.data(),     pDv_.data(),   rowSpecies_.data(),
                             static_cast<long>(n) + kernel::kPadding, n, box_};
        if (list_) {
            a.listStart = list_->rowStart().data();
            a.list = list_->neighbours().data();
        }
        energy = kernel_(a);
    }
    force.resize(x.size());
    for (int r = 0; r < n; ++r) {
        const int i = particle[r];
        force[3 * i] = fx_[r], force[3 * i + 1] = fy_[r], force[3 * i + 2] = fz_[r];
    }
    return energy;
}

bool PairPotential::singlePrecisionForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
    if (!parts_.empty()) {
        bool ok = true;
        force.resize(x.size());
        forEachPart(x, [&](PairPotential& part, const Eigen::VectorXd& xk, Eigen::Index offset) {
            if (ok && (ok = part.singlePrecisionForce(xk, partF_))) force.segment(offset, xk.size()) = partF_;
        });
        return ok;
    }
    if (soft_ || list_ || !single_) return false;
    const int n = static_cast<int>(species_.size());
    const auto padded = static_cast<std::size_t>(n + kernel::kSinglePadding);
    if (fsx_.size() != padded) {
        const auto ns = static_cast<std::size_t>(speciesCount_);
        for (auto* v : {&fsx_, &fsy_, &fsz_, &ffx_, &ffy_, &ffz_}) v->assign(padded, 0.0f);
        for (auto* v : {&fSigma2_, &fEps4_, &fRc2_, &fDv_}) v->assign(ns * padded, 0.0f);
        for (std::size_t a = 0; a < ns; ++a)
            for (std::size_t r = 0; r < static_cast<std::size_t>(n); ++r) {
                const PairTerm& t = table_[a * ns + static_cast<std::size_t>(species_[r])];
                const std::size_t k = a * padded + r;
                fSigma2_[k] = static_cast<float>(t.sigma2), fEps4_[k] = static_cast<float>(t.eps4);
                fRc2_[k] = static_cast<float>(t.rc2), fDv_[k] = static_cast<float>(t.dvAtCutoff);
            }
    }
    // Wrapped into [0, L) in double first: unwrapped MD coordinates (many boxes away) would
    // lose their digits in single precision.
    const double L = box_, invL = 1.0 / L;
    for (int i = 0; i < n; ++i) {
        const double* p = x.data() + 3 * i;
        fsx_[static_cast<std::size_t>(i)] = static_cast<float>(p[0] - L * std::floor(p[0] * invL));
        fsy_[static_cast<std::size_t>(i)] = static_cast<float>(p[1] - L * std::floor(p[1] * invL));
        fsz_[static_cast<std::size_t>(i)] = static_cast<float>(p[2] - L * std::floor(p[2] * invL));
    }
    std::fill(ffx_.begin(), ffx_.end(), 0.0f);
    std::fill(ffy_.begin(), ffy_.end(), 0.0f);
    std::fill(ffz_.begin(), ffz_.end(), 0.0f);
    const kernel::PairArraysF a{fsx_.data(), fsy_.data(), fsz_.data(), ffx_.data(), ffy_.data(), ffz_.data(),
                                fSigma2_.data(), fEps4_.data(), fRc2_.data(), fDv_.data(), species_.data(),
                                static_cast<long>(padded), n, static_cast<float>(box_)};
    single_(a);
    force.resize(x.size());
    for (int i = 0; i < n; ++i) {
        const auto k = static_cast<std::size_t>(i);
        force[3 * i] = ffx_[k], force[3 * i + 1] = ffy_[k], force[3 * i + 2] = ffz_[k];
    }
    return true;
}

void PairPotential::setKernel(kernel::Path path) {
    kernel_ = kernel::function(path);
    softKernel_ = kernel::softFunction(path);
    single_ = kernel::singleFunction(path);
    kernelPath_ = path;
    if (list_) list_->setScan(kernel::scanFunction(path));
    for (auto& part : parts_) part->setKernel(path);
}

template <class F> void PairPotential::forEachPart(const Eigen::VectorXd& x, F&& f) {
    const Eigen::Index block = x.size() / static_cast<Eigen::Index>(parts_.size());
    for (std::size_t k = 0; k < parts_.size(); ++k) {
        partX_ = x.segment(static_cast<Eigen::Index>(k) * block, block);
        f(*parts_[k], partX_, static_cast<Eigen::Index>(k) * block);
    }
}

PairPotential::PairPotential(const Model& model, const Configuration& conf, NeighbourMethod method)
    : PairPotential(model, conf.species, conf.boxLength, method, 0.3, conf.diameters) {}

std::unique_ptr<EnergySurface> PairPotential::clone() const {
    auto copy = std::make_unique<PairPotential>(model_, species_, box_, method_, skin_, diameters_);
    copy->setKernel(kernelPath_);
    return copy;
}

template <class Visit> void PairPotential::forEachCandidate(const Eigen::VectorXd& x, Visit&& visit) {
    const double L = box_, invL = 1.0 / L;
    const double* p = x.data();
    const int n = static_cast<int>(species_.size());
    auto pair = [&](int i, int j) {
        const double dx = minimumImage(p[3 * i] - p[3 * j], L, invL);
        const double dy = minimumImage(p[3 * i + 1] - p[3 * j + 1], L, invL);
        const double dz = minimumImage(p[3 * i + 2] - p[3 * j + 2], L, invL);
        visit(i, j, dx, dy, dz, dx * dx + dy * dy + dz * dz);
    };
    if (list_) {
        list_->update(x);
        const auto& start = list_->rowStart();
        const auto& nb = list_->neighbours();
        const auto& order = list_->order();
        for (int r = 0; r < n; ++r)
            for (int k = start[r]; k < start[r + 1]; ++k) pair(order[r], order[nb[k]]);
    } else {
        for (int i = 0; i < n; ++i)
            for (int j = i + 1; j < n; ++j) pair(i, j);
    }
}

template <class Visit> void PairPotential::forEachPair(const Eigen::VectorXd& x, Visit&& visit) {
    const int* s = species_.data();
    forEachCandidate(x, [&](int i, int j, double dx, double dy, double dz, double r2) {
        const PairTerm& t = table_[static_cast<std::size_t>(s[i] * speciesCount_ + s[j])];
        if (r2 < t.rc2) visit(i, j, dx, dy, dz, r2, t);
    });
}

template <class Visit> void PairPotential::forEachRadial(const Eigen::VectorXd& x, Visit&& visit) {
    if (soft_) {
        const double* d = diameters_.data();
        forEachCandidate(x, [&](int i, int j, double dx, double dy, double dz, double r2) {
            const double s = softPair_.sigma(d[i], d[j]);
            if (!(r2 < softPair_.cutoff2(s))) return;
            double e, g, h;
            softPair_.derivatives(r2, s, e, g, h);
            visit(i, j, dx, dy, dz, r2, e, g, h);
        });
        return;
    }
    forEachPair(x, [&](int i, int j, double dx, double dy, double dz, double r2, const PairTerm& t) {
        const double r = std::sqrt(r2);
        const double inv2 = t.sigma2 / r2;
        const double s6 = inv2 * inv2 * inv2;
        const double s12 = s6 * s6;
        const double e = t.eps4 * (s12 - s6) - t.vAtCutoff - (r - t.rc) * t.dvAtCutoff;
        const double dEdr = -t.eps4 * (12.0 * s12 - 6.0 * s6) / r - t.dvAtCutoff;
        const double d2Edr2 = t.eps4 * (156.0 * s12 - 42.0 * s6) / r2;
        visit(i, j, dx, dy, dz, r2, e, dEdr / r, d2Edr2);
    });
}

double PairPotential::energyAndForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
    if (!parts_.empty()) {
        double e = 0.0;
        force.resize(x.size());
        forEachPart(x, [&](PairPotential& part, const Eigen::VectorXd& xk, Eigen::Index offset) {
            e += part.energyAndForce(xk, partF_);
            force.segment(offset, xk.size()) = partF_;
        });
        return e;
    }
    return kernelEnergyForce(x, force);
}

double PairPotential::referenceEnergyForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
    force.setZero(x.size());
    if (!parts_.empty()) {
        double e = 0.0;
        forEachPart(x, [&](PairPotential& part, const Eigen::VectorXd& xk, Eigen::Index offset) {
            e += part.referenceEnergyForce(xk, partF_);
            force.segment(offset, xk.size()) = partF_;
        });
        return e;
    }
    if (soft_) {
        double* f = force.data();
        double e = 0.0;
        forEachRadial(x, [&](int i, int j, double dx, double dy, double dz, double, double v, double g, double) {
            e += v;
            f[3 * i] -= g * dx, f[3 * i + 1] -= g * dy, f[3 * i + 2] -= g * dz;
            f[3 * j] += g * dx, f[3 * j + 1] += g * dy, f[3 * j + 2] += g * dz;
        });
        return e;
    }
    double* f = force.data();
    double e = 0.0;
    forEachPair(x, [&](int i, int j, double dx, double dy, double dz, double r2,
                       const PairTerm& t) {
        const double inv2 = t.sigma2 / r2;
        const double s6 = inv2 * inv2 * inv2;
        const double s12 = s6 * s6;
        const double w = t.eps4 * (12.0 * s12 - 6.0 * s6); // -r dV/dr
        double scale = w / r2;                             // |F|/r for the plain LJ part
        e += t.eps4 * (s12 - s6) - t.vAtCutoff;
        if (t.dvAtCutoff != 0.0) {
            const double r = std::sqrt(r2);
            e -= (r - t.rc) * t.dvAtCutoff;
            scale += t.dvAtCutoff / r;
        }
        f[3 * i] += scale * dx;
        f[3 * i + 1] += scale * dy;
        f[3 * i + 2] += scale * dz;
        f[3 * j] -= scale * dx;
        f[3 * j + 1] -= scale * dy;
        f[3 * j + 2] -= scale * dz;
    });
    return e;
}

double PairPotential::energy(const Eigen::VectorXd& x) {
    double e = 0.0;
    if (!parts_.empty()) {
        forEachPart(x, [&](PairPotential& part, const Eigen::VectorXd& xk, Eigen::Index) { e += part.energy(xk); });
        return e;
    }
    // Soft spheres: the force kernel (no energy-only loop), so that energies agree to the last
    // bit with those of energyAndForce, which line searches compare them with.
    if (soft_) return kernelEnergyForce(x, scratchForce_);
    forEachPair(x, [&](int, int, double, double, double, double r2, const PairTerm& t) {
        const double inv2 = t.sigma2 / r2;
        const double s6 = inv2 * inv2 * inv2;
        e += t.eps4 * (s6 * s6 - s6) - t.vAtCutoff;
        if (t.dvAtCutoff != 0.0) e -= (std::sqrt(r2) - t.rc) * t.dvAtCutoff;
    });
    return e;
}

Eigen::VectorXd PairPotential::particleEnergies(const Eigen::VectorXd& x) {
    Eigen::VectorXd pe = Eigen::VectorXd::Zero(x.size() / 3);
    if (!parts_.empty()) {
        forEachPart(x, [&](PairPotential& part, const Eigen::VectorXd& xk, Eigen::Index offset) {
            pe.segment(offset / 3, xk.size() / 3) = part.particleEnergies(xk);
        });
        return pe;
    }
    forEachRadial(x, [&](int i, int j, double, double, double, double, double e, double, double) {
        pe[i] += 0.5 * e;
        pe[j] += 0.5 * e;
    });
    return pe;
}

Eigen::MatrixXd PairPotential::hessian(const Eigen::VectorXd& x) {
    const Eigen::Index dim = x.size();
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(dim, dim);
    if (!parts_.empty()) {
        forEachPart(x, [&](PairPotential& part, const Eigen::VectorXd& xk, Eigen::Index offset) {
            h.block(offset, offset, xk.size(), xk.size()) = part.hessian(xk);
        });
        return h;
    }
    forEachRadial(x, [&](int i, int j, double dx, double dy, double dz, double r2, double, double g, double d2Edr2) {
        const Eigen::Vector3d u = Eigen::Vector3d(dx, dy, dz) / std::sqrt(r2);
        const Eigen::Matrix3d k = (d2Edr2 - g) * (u * u.transpose()) + g * Eigen::Matrix3d::Identity();
        h.block<3, 3>(3 * i, 3 * i) += k;
        h.block<3, 3>(3 * j, 3 * j) += k;
        h.block<3, 3>(3 * i, 3 * j) -= k;
        h.block<3, 3>(3 * j, 3 * i) -= k;
    });
    return h;
}

Eigen::SparseMatrix<double> PairPotential::sparseHessian(const Eigen::VectorXd& x) {
    if (!parts_.empty()) {
        std::vector<Eigen::Triplet<double>> t;
        forEachPart(x, [&](PairPotential& part, const Eigen::VectorXd& xk, Eigen::Index offset) {
            const Eigen::SparseMatrix<double> hk = part.sparseHessian(xk);
            for (int c = 0; c < hk.outerSize(); ++c)
                for (Eigen::SparseMatrix<double>::InnerIterator it(hk, c); it; ++it)
                    t.emplace_back(static_cast<int>(offset + it.row()), static_cast<int>(offset + it.col()), it.value());
        });
        Eigen::SparseMatrix<double> h(x.size(), x.size());
        h.setFromTriplets(t.begin(), t.end());
        return h;
    }
    const Eigen::Index dim = x.size();
    std::vector<Eigen::Triplet<double>> t;
    t.reserve(static_cast<std::size_t>(dim) * 3 * 40);
    forEachRadial(x, [&](int i, int j, double dx, double dy, double dz, double r2, double, double g, double d2Edr2) {
        const double r = std::sqrt(r2);
        const double u[3] = {dx / r, dy / r, dz / r};
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) {
                const double k = (d2Edr2 - g) * u[a] * u[b] + (a == b ? g : 0.0);
                t.emplace_back(3 * i + a, 3 * i + b, k);
                t.emplace_back(3 * j + a, 3 * j + b, k);
                t.emplace_back(3 * i + a, 3 * j + b, -k);
                t.emplace_back(3 * j + a, 3 * i + b, -k);
            }
    });
    Eigen::SparseMatrix<double> h(dim, dim);
    h.setFromTriplets(t.begin(), t.end()); // duplicates (diagonal blocks) are summed
    return h;
}

Eigen::MatrixXd PairPotential::zeroModeBasis() const {
    const Eigen::Index dim = dimension();
    if (!parts_.empty()) {
        const Eigen::Index block = dim / static_cast<Eigen::Index>(parts_.size());
        Eigen::MatrixXd t = Eigen::MatrixXd::Zero(dim, 3 * static_cast<Eigen::Index>(parts_.size()));
        for (std::size_t k = 0; k < parts_.size(); ++k)
            t.block(static_cast<Eigen::Index>(k) * block, 3 * static_cast<Eigen::Index>(k), block, 3) = parts_[k]->zeroModeBasis();
        return t;
    }
    Eigen::MatrixXd t = Eigen::MatrixXd::Zero(dim, 3);
    const double norm = 1.0 / std::sqrt(static_cast<double>(dim / 3));
    for (Eigen::Index i = 0; i < dim / 3; ++i)
        for (int a = 0; a < 3; ++a) t(3 * i + a, a) = norm;
    return t;
}

Eigen::VectorXd PairPotential::displacement(const Eigen::VectorXd& a,
                                            const Eigen::VectorXd& b) const {
    return minimumImageDisplacement(a, b, box_);
}

} // namespace tlscope
