#include "core/potential/PairPotential.h"

#include "core/common/Error.h"
#include "core/system/Configuration.h"

#include <algorithm>
#include <cmath>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace tlscope {

namespace {
// Below this size all-pairs is faster than maintaining a Verlet list (docs/performance.md).
constexpr int kListThreshold = 400;
} // namespace

PairPotential::PairPotential(const Model& model, const std::vector<int>& species,
                             double boxLength, NeighbourMethod method, double skin)
    : model_(model), species_(species), box_(boxLength), speciesCount_(model.speciesCount()) {
    model_.validate();
    checkCutoffFitsBox(model_, box_);
    for (std::size_t i = 0; i < species_.size(); ++i)
        if (species_[i] < 0 || species_[i] >= speciesCount_)
            throw InputError("particle " + std::to_string(i) + " has species index " +
                             std::to_string(species_[i]) + " outside the model");
    table_.resize(static_cast<std::size_t>(speciesCount_ * speciesCount_));
    for (int a = 0; a < speciesCount_; ++a)
        for (int b = 0; b < speciesCount_; ++b) {
            const auto& p = model_.pair(a, b);
            PairTerm t{};
            t.sigma2 = p.sigma * p.sigma;
            t.eps4 = 4.0 * p.epsilon;
            t.rc = p.cutoff;
            t.rc2 = p.cutoff * p.cutoff;
            const double s6 = std::pow(p.sigma / p.cutoff, 6);
            t.vAtCutoff = t.eps4 * (s6 * s6 - s6);
            t.dvAtCutoff = model_.cutoffMode == CutoffMode::ForceShifted
                               ? -t.eps4 * (12.0 * s6 * s6 - 6.0 * s6) / p.cutoff
                               : 0.0;
            table_[static_cast<std::size_t>(a * speciesCount_ + b)] = t;
        }
    const int n = static_cast<int>(species_.size());
    const bool listFits = NeighbourList::fits(model_.maxCutoff(), skin, box_);
    bool useList = method == NeighbourMethod::VerletList ||
                   (method == NeighbourMethod::Auto && n >= kListThreshold);
    if (method == NeighbourMethod::VerletList && !listFits)
        throw InputError("box too small for a Verlet list (cutoff + skin must be < L/2)");
    if (useList && listFits)
        list_ = std::make_unique<NeighbourList>(model_.maxCutoff(), skin, box_);
    {
        const auto un = static_cast<std::size_t>(n), ns = static_cast<std::size_t>(speciesCount_);
        for (auto* v : {&sx_, &sy_, &sz_, &fx_, &fy_, &fz_}) v->assign(un, 0.0);
        for (auto* v : {&pSigma2_, &pEps4_, &pRc_, &pRc2_, &pV_, &pDv_}) v->assign(ns * un, 0.0);
        layoutRows();
        layoutBuild_ = -1; // the list has not been built yet
    }
}

namespace {

/// Pair parameters seen from one particle i: arrays indexed by the partner j.
struct RowParameters {
    const double *sig2, *eps4, *rcut, *rc2, *vrc, *dvrc;
};

/// Adds the interactions of particle i with partners js[0..count) (or i+1..i+count when
/// `Contiguous`). Branch-free in j: pairs beyond the cutoff are evaluated at r = rc and masked
/// out. The minimum image rounds with the 1.5*2^52 trick, which needs no float->int
/// conversion. Lanes are summed in a fixed order, so results are deterministic.
template <bool Contiguous>
inline double pairRow(int i, const int* js, int count, const double* sx, const double* sy,
                      const double* sz, double* fx, double* fy, double* fz, const RowParameters& p,
                      double L) {
    constexpr double magic = 6755399441055744.0; // 1.5 * 2^52
    const double invL = 1.0 / L;
    const double xi = sx[i], yi = sy[i], zi = sz[i];
    double fxi = 0.0, fyi = 0.0, fzi = 0.0, ei = 0.0;
    auto index = [&](int k) { return Contiguous ? i + 1 + k : js[k]; };
    int k = 0;
#ifdef __SSE2__
    {
        const __m128d vxi = _mm_set1_pd(xi), vyi = _mm_set1_pd(yi), vzi = _mm_set1_pd(zi);
        const __m128d vL = _mm_set1_pd(L), vInvL = _mm_set1_pd(invL), vMagic = _mm_set1_pd(magic);
        const __m128d v12 = _mm_set1_pd(12.0), v6 = _mm_set1_pd(6.0), one = _mm_set1_pd(1.0);
        __m128d ae = _mm_setzero_pd(), afx = _mm_setzero_pd(), afy = _mm_setzero_pd(),
                afz = _mm_setzero_pd();
        auto image = [&](__m128d d) {
            const __m128d n = _mm_sub_pd(_mm_add_pd(_mm_mul_pd(d, vInvL), vMagic), vMagic);
            return _mm_sub_pd(d, _mm_mul_pd(vL, n));
        };
        for (; k + 1 < count; k += 2) {
            const int j0 = index(k), j1 = index(k + 1);
            auto load = [&](const double* a) {
                return Contiguous ? _mm_loadu_pd(a + j0) : _mm_set_pd(a[j1], a[j0]);
            };
            const __m128d dx = image(_mm_sub_pd(vxi, load(sx)));
            const __m128d dy = image(_mm_sub_pd(vyi, load(sy)));
            const __m128d dz = image(_mm_sub_pd(vzi, load(sz)));
            const __m128d r2 = _mm_add_pd(_mm_add_pd(_mm_mul_pd(dx, dx), _mm_mul_pd(dy, dy)),
                                          _mm_mul_pd(dz, dz));
            const __m128d vrc2 = load(p.rc2);
            const __m128d inside = _mm_cmplt_pd(r2, vrc2);
            const __m128d r2s = _mm_min_pd(r2, vrc2);
            // One sqrt and one division per pair: 1/r gives 1/r^2 by a multiplication.
            const __m128d r = _mm_sqrt_pd(r2s);
            const __m128d rinv = _mm_div_pd(one, r);
            const __m128d rinv2 = _mm_mul_pd(rinv, rinv);
            const __m128d inv2 = _mm_mul_pd(load(p.sig2), rinv2);
            const __m128d s6 = _mm_mul_pd(_mm_mul_pd(inv2, inv2), inv2);
            const __m128d s12 = _mm_mul_pd(s6, s6);
            const __m128d ve4 = load(p.eps4), vdv = load(p.dvrc);
            const __m128d e =
                _mm_sub_pd(_mm_sub_pd(_mm_mul_pd(ve4, _mm_sub_pd(s12, s6)), load(p.vrc)),
                           _mm_mul_pd(_mm_sub_pd(r, load(p.rcut)), vdv));
            const __m128d w = _mm_mul_pd(ve4, _mm_sub_pd(_mm_mul_pd(v12, s12), _mm_mul_pd(v6, s6)));
            const __m128d sc =
                _mm_and_pd(inside, _mm_add_pd(_mm_mul_pd(w, rinv2), _mm_mul_pd(vdv, rinv)));
            ae = _mm_add_pd(ae, _mm_and_pd(inside, e));
            const __m128d gx = _mm_mul_pd(sc, dx), gy = _mm_mul_pd(sc, dy), gz = _mm_mul_pd(sc, dz);
            afx = _mm_add_pd(afx, gx), afy = _mm_add_pd(afy, gy), afz = _mm_add_pd(afz, gz);
            if constexpr (Contiguous) {
                _mm_storeu_pd(fx + j0, _mm_sub_pd(_mm_loadu_pd(fx + j0), gx));
                _mm_storeu_pd(fy + j0, _mm_sub_pd(_mm_loadu_pd(fy + j0), gy));
                _mm_storeu_pd(fz + j0, _mm_sub_pd(_mm_loadu_pd(fz + j0), gz));
            } else {
                double g[2];
                _mm_storeu_pd(g, gx), fx[j0] -= g[0], fx[j1] -= g[1];
                _mm_storeu_pd(g, gy), fy[j0] -= g[0], fy[j1] -= g[1];
                _mm_storeu_pd(g, gz), fz[j0] -= g[0], fz[j1] -= g[1];
            }
        }
        double lanes[2];
        _mm_storeu_pd(lanes, ae), ei = lanes[0] + lanes[1];
        _mm_storeu_pd(lanes, afx), fxi = lanes[0] + lanes[1];
        _mm_storeu_pd(lanes, afy), fyi = lanes[0] + lanes[1];
        _mm_storeu_pd(lanes, afz), fzi = lanes[0] + lanes[1];
    }
#endif
    for (; k < count; ++k) {
        const int j = index(k);
        double dx = xi - sx[j], dy = yi - sy[j], dz = zi - sz[j];
        dx -= L * ((dx * invL + magic) - magic);
        dy -= L * ((dy * invL + magic) - magic);
        dz -= L * ((dz * invL + magic) - magic);
        const double r2 = dx * dx + dy * dy + dz * dz;
        if (!(r2 < p.rc2[j])) continue;
        const double r = std::sqrt(r2);
        const double rinv = 1.0 / r, rinv2 = rinv * rinv;
        const double inv2 = p.sig2[j] * rinv2;
        const double s6 = inv2 * inv2 * inv2;
        const double s12 = s6 * s6;
        ei += p.eps4[j] * (s12 - s6) - p.vrc[j] - (r - p.rcut[j]) * p.dvrc[j];
        const double sc = p.eps4[j] * (12.0 * s12 - 6.0 * s6) * rinv2 + p.dvrc[j] * rinv;
        fxi += sc * dx, fyi += sc * dy, fzi += sc * dz;
        fx[j] -= sc * dx, fy[j] -= sc * dy, fz[j] -= sc * dz;
    }
    fx[i] += fxi, fy[i] += fyi, fz[i] += fzi;
    return ei;
}

} // namespace

void PairPotential::layoutRows() {
    // Row r of the SoA arrays holds particle order[r]; pair parameters follow that order.
    const auto un = species_.size(), ns = static_cast<std::size_t>(speciesCount_);
    rowParticle_.resize(un);
    for (std::size_t r = 0; r < un; ++r)
        rowParticle_[r] = list_ && !list_->order().empty() ? list_->order()[r] : static_cast<int>(r);
    for (std::size_t a = 0; a < ns; ++a)
        for (std::size_t r = 0; r < un; ++r) {
            const PairTerm& t = table_[a * ns + static_cast<std::size_t>(species_[rowParticle_[r]])];
            const std::size_t k = a * un + r;
            pSigma2_[k] = t.sigma2, pEps4_[k] = t.eps4, pRc_[k] = t.rc, pRc2_[k] = t.rc2;
            pV_[k] = t.vAtCutoff, pDv_[k] = t.dvAtCutoff;
        }
    layoutBuild_ = list_ ? list_->buildCount() : 0;
}

double PairPotential::kernelEnergyForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
    const int n = static_cast<int>(species_.size());
    const auto un = static_cast<std::size_t>(n);
    if (list_) {
        list_->update(x);
        if (list_->buildCount() != layoutBuild_) layoutRows();
    }
    const int* particle = rowParticle_.data();
    double* sx = sx_.data();
    double* sy = sy_.data();
    double* sz = sz_.data();
    double* fx = fx_.data();
    double* fy = fy_.data();
    double* fz = fz_.data();
    for (int r = 0; r < n; ++r) {
        const int i = particle[r];
        sx[r] = x[3 * i], sy[r] = x[3 * i + 1], sz[r] = x[3 * i + 2];
        fx[r] = fy[r] = fz[r] = 0.0;
    }
    double energy = 0.0;
    for (int r = 0; r < n; ++r) {
        const std::size_t row = static_cast<std::size_t>(species_[particle[r]]) * un;
        const RowParameters p{pSigma2_.data() + row, pEps4_.data() + row, pRc_.data() + row,
                              pRc2_.data() + row,    pV_.data() + row,    pDv_.data() + row};
        if (list_) {
            const int begin = list_->rowStart()[r], end = list_->rowStart()[r + 1];
            energy += pairRow<false>(r, list_->neighbours().data() + begin, end - begin, sx, sy,
                                     sz, fx, fy, fz, p, box_);
        } else {
            energy += pairRow<true>(r, nullptr, n - r - 1, sx, sy, sz, fx, fy, fz, p, box_);
        }
    }
    force.resize(x.size());
    for (int r = 0; r < n; ++r) {
        const int i = particle[r];
        force[3 * i] = fx[r], force[3 * i + 1] = fy[r], force[3 * i + 2] = fz[r];
    }
    return energy;
}

PairPotential::PairPotential(const Model& model, const Configuration& conf, NeighbourMethod method)
    : PairPotential(model, conf.species, conf.boxLength, method) {}

template <class Visit> void PairPotential::forEachPair(const Eigen::VectorXd& x, Visit&& visit) {
    const double L = box_, invL = 1.0 / L;
    const double* p = x.data();
    const int* s = species_.data();
    const int n = static_cast<int>(species_.size());
    auto pair = [&](int i, int j) {
        const double dx = minimumImage(p[3 * i] - p[3 * j], L, invL);
        const double dy = minimumImage(p[3 * i + 1] - p[3 * j + 1], L, invL);
        const double dz = minimumImage(p[3 * i + 2] - p[3 * j + 2], L, invL);
        const double r2 = dx * dx + dy * dy + dz * dz;
        const PairTerm& t = table_[static_cast<std::size_t>(s[i] * speciesCount_ + s[j])];
        if (r2 < t.rc2) visit(i, j, dx, dy, dz, r2, t);
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

double PairPotential::energyAndForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
    return kernelEnergyForce(x, force);
}

double PairPotential::referenceEnergyForce(const Eigen::VectorXd& x, Eigen::VectorXd& force) {
    force.setZero(x.size());
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
    forEachPair(x, [&](int i, int j, double, double, double, double r2, const PairTerm& t) {
        const double inv2 = t.sigma2 / r2;
        const double s6 = inv2 * inv2 * inv2;
        double e = t.eps4 * (s6 * s6 - s6) - t.vAtCutoff;
        if (t.dvAtCutoff != 0.0) e -= (std::sqrt(r2) - t.rc) * t.dvAtCutoff;
        pe[i] += 0.5 * e;
        pe[j] += 0.5 * e;
    });
    return pe;
}

Eigen::MatrixXd PairPotential::hessian(const Eigen::VectorXd& x) {
    const Eigen::Index dim = x.size();
    Eigen::MatrixXd h = Eigen::MatrixXd::Zero(dim, dim);
    forEachPair(x, [&](int i, int j, double dx, double dy, double dz, double r2,
                       const PairTerm& t) {
        const double r = std::sqrt(r2);
        const double inv2 = t.sigma2 / r2;
        const double s6 = inv2 * inv2 * inv2;
        const double s12 = s6 * s6;
        const double dEdr = -t.eps4 * (12.0 * s12 - 6.0 * s6) / r - t.dvAtCutoff;
        const double d2Edr2 = t.eps4 * (156.0 * s12 - 42.0 * s6) / r2;
        const Eigen::Vector3d u(dx / r, dy / r, dz / r);
        const Eigen::Matrix3d k =
            (d2Edr2 - dEdr / r) * (u * u.transpose()) + (dEdr / r) * Eigen::Matrix3d::Identity();
        h.block<3, 3>(3 * i, 3 * i) += k;
        h.block<3, 3>(3 * j, 3 * j) += k;
        h.block<3, 3>(3 * i, 3 * j) -= k;
        h.block<3, 3>(3 * j, 3 * i) -= k;
    });
    return h;
}

Eigen::VectorXd PairPotential::displacement(const Eigen::VectorXd& a,
                                            const Eigen::VectorXd& b) const {
    return minimumImageDisplacement(a, b, box_);
}

} // namespace tlscope
