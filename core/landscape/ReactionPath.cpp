#include "core/landscape/ReactionPath.h"

#include "core/common/Error.h"
#include "core/landscape/Lanczos.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace tlscope {

namespace {

/// (1 - exp(-lambda t)) / lambda, the LQA path weight of a mode; t where lambda t -> 0.
double modeWeight(double lambda, double t) {
    const double z = lambda * t;
    if (std::abs(z) < 1e-8) return t * (1.0 - 0.5 * z);
    if (z < -700.0) return HUGE_VAL;
    return -std::expm1(-z) / lambda;
}

/// Which eigenpairs are the surface's zero modes (translations): the `count` eigenvalues
/// nearest zero.
std::vector<bool> zeroModeMask(const Eigen::VectorXd& eigenvalues, int count) {
    std::vector<Eigen::Index> order(static_cast<std::size_t>(eigenvalues.size()));
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<Eigen::Index>(i);
    std::sort(order.begin(), order.end(),
              [&](Eigen::Index a, Eigen::Index b) { return std::abs(eigenvalues[a]) < std::abs(eigenvalues[b]); });
    std::vector<bool> zero(order.size(), false);
    for (std::size_t k = 0; k < order.size() && k < static_cast<std::size_t>(std::max(count, 0)); ++k)
        zero[static_cast<std::size_t>(order[k])] = true;
    return zero;
}

struct Branch {
    std::vector<Eigen::VectorXd> x; ///< from the first point after the saddle to the minimum
    std::vector<double> e;
    int reached = 0;                ///< 1 or 2: which minimum; 0: none
    std::string message;
};

class Walker {
public:
    Walker(EnergySurface& s, const Eigen::VectorXd& m1, const Eigen::VectorXd& m2, const Eigen::VectorXd& mass,
           const ReactionPathOptions& o)
        : s_(s), m1_(m1), m2_(m2), o_(o) {
        w_.resize(m1.size());
        for (Eigen::Index i = 0; i < w_.size(); ++i) w_[i] = 1.0 / std::sqrt(mass[i / 3]);
    }

    /// Mass-weighted length of a Cartesian displacement.
    double mwNorm(const Eigen::VectorXd& dx) const { return dx.cwiseQuotient(w_).norm(); }
    const Eigen::VectorXd& w() const { return w_; }

    bool large() const { return w_.size() > o_.denseLimit; }

    /// The k lowest eigenpairs of the mass-weighted Hessian at x by Lanczos on the sparse Hessian,
    /// the translations set aside when `zeroModes` is 3 (large systems).
    LowestModes sparseModes(const Eigen::VectorXd& x, int k, int zeroModes) {
        const Eigen::SparseMatrix<double> h = s_.sparseHessian(x);
        const Eigen::VectorXd& w = w_;
        LinearMap map = [&h, &w](const Eigen::VectorXd& in, Eigen::VectorXd& out) {
            out = w.cwiseProduct(h * w.cwiseProduct(in));
        };
        Eigen::MatrixXd deflate(w.size(), 0);
        if (zeroModes == 3) {
            // Translations in mass-weighted coordinates: sqrt(m_i) along each axis.
            deflate = Eigen::MatrixXd::Zero(w.size(), 3);
            for (Eigen::Index i = 0; i < w.size(); ++i) deflate(i, i % 3) = 1.0 / w[i];
            for (int a = 0; a < 3; ++a) deflate.col(a).normalize();
        }
        return lowestEigenpairs(map, w.size(), k, deflate);
    }

    /// The descent loop both integrators share: from `saddle` + the first step until a minimum is
    /// within one step. `advance(x, f, e, b)` moves x downhill (adding any intermediate points to
    /// b) and returns the steps it took, 0 when it cannot.
    template <class Advance>
    Branch walkDown(const Eigen::VectorXd& saddle, double eSaddle, const Eigen::VectorXd& firstStepY, Advance&& advance) {
        Branch b;
        Eigen::VectorXd x = saddle + firstStepY.cwiseProduct(w_), f;
        double e = s_.energyAndForce(x, f);
        if (!(e < eSaddle)) {
            b.message = "the energy does not fall along the unstable mode of the saddle";
            return b;
        }
        long steps = 0;
        while (true) {
            b.x.push_back(x);
            b.e.push_back(e);
            if (const int which = arrived(x)) {
                b.x.push_back(arrival_);
                b.e.push_back(s_.energy(arrival_));
                b.reached = which;
                return b;
            }
            if (o_.stop && o_.stop->load(std::memory_order_relaxed)) {
                b.message = "stopped on request";
                return b;
            }
            if (steps >= o_.maxSteps) {
                b.message = "no minimum within " + std::to_string(o_.maxSteps) + " steps";
                return b;
            }
            const long taken = advance(x, f, e, b);
            if (taken == 0) {
                b.message = "the descent stalled at energy " + std::to_string(e) + " before reaching a minimum";
                return b;
            }
            steps += taken;
        }
    }

    /// Large systems: one RK4 step of half the LQA step along the normalised mass-weighted
    /// steepest descent (shorter if the energy would not fall). Half the step: RK4 at the full
    /// step leaves E_qs of a delocalised KA-RH DWP 1 % off the dense path, at half the step
    /// 0.07 % (tests/core/test_double_well).
    long gradientStep(Eigen::VectorXd& x, Eigen::VectorXd& f, double& e) {
        // The unit mass-weighted descent direction at a point with force f (dy = dx / w).
        auto direction = [&](const Eigen::VectorXd& force) {
            Eigen::VectorXd d = force.cwiseProduct(w_);
            const double n = d.norm();
            return n > 0.0 ? Eigen::VectorXd(d / n) : d;
        };
        for (double h = 0.5 * o_.step; h > 1e-4 * o_.step; h *= 0.5) {
            Eigen::VectorXd f2, f3, f4, fn;
            const Eigen::VectorXd k1 = direction(f);
            s_.energyAndForce(x + (0.5 * h) * k1.cwiseProduct(w_), f2);
            const Eigen::VectorXd k2 = direction(f2);
            s_.energyAndForce(x + (0.5 * h) * k2.cwiseProduct(w_), f3);
            const Eigen::VectorXd k3 = direction(f3);
            s_.energyAndForce(x + h * k3.cwiseProduct(w_), f4);
            const Eigen::VectorXd k4 = direction(f4);
            const Eigen::VectorXd next = x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4).cwiseProduct(w_);
            const double en = s_.energyAndForce(next, fn);
            if (!(en < e)) continue; // past the bottom along this step: shorter
            x = next, f = fn, e = en;
            return 1;
        }
        return 0;
    }

    /// The mass-weighted Hessian at x (symmetrised).
    Eigen::MatrixXd massWeightedHessian(const Eigen::VectorXd& x) {
        const Eigen::MatrixXd h = s_.hessian(x);
        return w_.asDiagonal() * (0.5 * (h + h.transpose())) * w_.asDiagonal();
    }

    /// The mass-weighted Hessian's eigen-decomposition at x.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> modes(const Eigen::VectorXd& x) {
        return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(massWeightedHessian(x));
    }

    /// The local quadratic model at x with mass-weighted gradient g, as eigenpairs: the LQA path
    /// is dy(t) = -sum_i v_i c_i w(lambda_i, t) with c = V^T g.
    struct LocalModel {
        Eigen::VectorXd lambda, c;
        Eigen::MatrixXd vectors;

        double distanceAt(double t) const {
            double sum = 0.0;
            for (Eigen::Index i = 0; i < c.size(); ++i) sum += std::pow(c[i] * modeWeight(lambda[i], t), 2);
            return std::sqrt(sum);
        }
        /// The smallest t at which the model's path is `target` away from its start (bisection:
        /// the distance grows monotonically in t); HUGE_VAL when the model's minimum is closer.
        double timeFor(double target) const {
            const double g = std::max(c.norm(), 1e-300);
            double lo = 0.0, hi = target / g;
            for (int grow = 0; distanceAt(hi) < target; ++grow, hi *= 4.0)
                if (grow == 60) return HUGE_VAL; // beyond the model's minimum
            for (int it = 0; it < 200 && hi - lo > 1e-13 * hi; ++it) {
                const double mid = 0.5 * (lo + hi);
                (distanceAt(mid) < target ? lo : hi) = mid;
            }
            return hi;
        }
        /// The mass-weighted displacement along the model's path at t.
        Eigen::VectorXd displacementAt(double t) const {
            Eigen::VectorXd coef(c.size());
            for (Eigen::Index i = 0; i < c.size(); ++i) {
                const double weight = modeWeight(lambda[i], t);
                coef[i] = std::isfinite(weight) ? -c[i] * weight : 0.0;
            }
            return vectors * coef;
        }
    };

    /// All eigenpairs but the surface's zero modes (translations): the gradient has no
    /// component along them, but rounding leaves ~1e-16 there, and where the model's minimum is
    /// closer than the step (t -> infinity) their weight min(t, 1/lambda) with lambda ~ +-1e-13
    /// turned that into a uniform translation of ~1e-3 (energy unchanged, arc length not): the
    /// last step into a minimum lengthened the path (E_qs up to 0.7 % off).
    LocalModel denseModel(const Eigen::VectorXd& x, const Eigen::VectorXd& g) {
        const auto eig = modes(x);
        const Eigen::Index n = eig.eigenvalues().size();
        const std::vector<bool> zero = zeroModeMask(eig.eigenvalues(), s_.zeroModeCount());
        LocalModel model;
        const Eigen::Index kept = static_cast<Eigen::Index>(std::count(zero.begin(), zero.end(), false));
        model.lambda.resize(kept);
        model.vectors.resize(n, kept);
        for (Eigen::Index i = 0, j = 0; i < n; ++i)
            if (!zero[static_cast<std::size_t>(i)]) model.lambda[j] = eig.eigenvalues()[i], model.vectors.col(j++) = eig.eigenvectors().col(i);
        model.c = model.vectors.transpose() * g;
        return model;
    }

    /// The local quadratic model restricted to the Krylov space of the Hessian H started from
    /// the gradient g: with Lanczos H Q = Q T + beta q e^T (Q orthonormal, q1 = g / |g|, fully
    /// reorthogonalised), f(H) g ~ |g| Q f(T) e1 for the LQA weights f. Grown until the point the
    /// model reaches at arc length `reach` changes by less than the tolerance: the standard
    /// a-posteriori estimate of that error is beta_m |g| |e_m^T f(T) e1| (Saad 1992). Exact
    /// (the whole spectrum the gradient excites) if the space becomes invariant; falls back to
    /// the dense decomposition if it would not converge below the full dimension.
    LocalModel krylovModel(const Eigen::VectorXd& x, const Eigen::VectorXd& g, double reach) {
        const Eigen::Index n = g.size();
        const double norm = g.norm();
        if (!(norm > 0.0) || !std::isfinite(norm)) return denseModel(x, g);
        const Eigen::MatrixXd hy = massWeightedHessian(x);
        const Eigen::Index limit = std::min<Eigen::Index>(n, 160);
        Eigen::MatrixXd& q = krylovBasis_; // kept between calls: no allocation per step
        if (q.rows() != n || q.cols() < limit) q.resize(n, limit);
        std::vector<double> alpha, beta;
        q.col(0) = g / norm;
        Eigen::VectorXd v;
        Eigen::Index check = 12;
        for (Eigen::Index j = 0; j < limit; ++j) {
            v.noalias() = hy * q.col(j);
            alpha.push_back(q.col(j).dot(v));
            v -= alpha.back() * q.col(j);
            if (j > 0) v -= beta.back() * q.col(j - 1);
            // Full reorthogonalisation; a second pass only when the first removed most of v
            // ("twice is enough", Parlett).
            double b = v.norm();
            for (int pass = 0; pass < 2; ++pass) {
                v.noalias() -= q.leftCols(j + 1) * (q.leftCols(j + 1).transpose() * v);
                const double after = v.norm();
                const bool enough = after > M_SQRT1_2 * b;
                b = after;
                if (enough) break;
            }
            const Eigen::Index m = j + 1;
            const bool invariant = !(b > 1e-12 * std::abs(alpha.front()) + 1e-300);
            if (m == check || invariant || m == limit) {
                check = m + std::max<Eigen::Index>(4, m / 4);
                Eigen::MatrixXd t = Eigen::MatrixXd::Zero(m, m);
                for (Eigen::Index i = 0; i < m; ++i) {
                    t(i, i) = alpha[static_cast<std::size_t>(i)];
                    if (i + 1 < m) t(i, i + 1) = t(i + 1, i) = beta[static_cast<std::size_t>(i)];
                }
                const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(t);
                LocalModel model{eig.eigenvalues(), norm * eig.eigenvectors().row(0).transpose(), {}};
                bool converged = invariant;
                if (!invariant) {
                    const double tReach = model.timeFor(reach);
                    double last = 0.0; // e_m^T f(T) e1 |g|, the weights finite
                    for (Eigen::Index i = 0; i < m; ++i) {
                        const double weight = modeWeight(model.lambda[i], std::isfinite(tReach) ? tReach : 1e300);
                        if (std::isfinite(weight)) last += eig.eigenvectors()(m - 1, i) * model.c[i] * weight;
                    }
                    converged = b * std::abs(last) <= o_.krylovTolerance * reach;
                }
                if (converged) {
                    model.vectors.noalias() = q.leftCols(m) * eig.eigenvectors();
                    return model;
                }
            }
            if (m == limit) break;
            beta.push_back(b);
            q.col(j + 1) = v / b;
        }
        return denseModel(x, g);
    }

    Branch descend(const Eigen::VectorXd& saddle, double eSaddle, const Eigen::VectorXd& firstStepY) {
        if (large())
            return walkDown(saddle, eSaddle, firstStepY,
                            [this](Eigen::VectorXd& x, Eigen::VectorXd& f, double& e, Branch&) { return gradientStep(x, f, e); });
        return walkDown(saddle, eSaddle, firstStepY,
                        [this](Eigen::VectorXd& x, Eigen::VectorXd& f, double& e, Branch& b) { return lqaSteps(x, f, e, b); });
    }

    /// Up to hessianStride steps of length `step` along one local quadratic approximation (one
    /// Hessian), the true energy checked at each; returns the steps taken.
    long lqaSteps(Eigen::VectorXd& x, Eigen::VectorXd& f, double& e, Branch& b) {
        const double h = o_.step;
        const Eigen::VectorXd g = -f.cwiseProduct(w_); // the mass-weighted gradient
        const LocalModel model = o_.krylov ? krylovModel(x, g, o_.hessianStride * h) : denseModel(x, g);
        const Eigen::VectorXd base = x; // the LQA model's point; x moves along its path
        auto pointAt = [&](double t) { return Eigen::VectorXd(base + model.displacementAt(t).cwiseProduct(w_)); };
        auto timeFor = [&](double target) { return model.timeFor(target); };
        int accepted = 0;
        for (double sub = h; accepted == 0 && sub > 1e-6 * h; sub *= 0.25) {
            const int count = sub < h ? 1 : o_.hessianStride;
            for (int j = 1; j <= count; ++j) {
                const double t = timeFor(j * sub);
                const Eigen::VectorXd trial = pointAt(std::isfinite(t) ? t : 1e300);
                Eigen::VectorXd ft;
                const double et = s_.energyAndForce(trial, ft);
                if (!(et < e)) break; // the quadratic model no longer describes the surface
                if (j > 1 || accepted > 0) {
                    b.x.push_back(x);
                    b.e.push_back(e);
                }
                x = trial, f = ft, e = et;
                ++accepted;
                if (!std::isfinite(t) || arrived(x)) break;
            }
        }
        return accepted;
    }

    /// 1 or 2 if x is within one step of that minimum (a uniform translation aside, for
    /// surfaces with translational zero modes); `arrival_` is then that minimum, continuous
    /// with x.
    int arrived(const Eigen::VectorXd& x) {
        for (int which : {1, 2}) {
            Eigen::VectorXd d = s_.displacement(x, which == 1 ? m1_ : m2_);
            // Minimizers and MD conserve different centres of mass: remove the mass-weighted
            // mean displacement (PHYSICS.md §5), as every distance in TLScope does; for a
            // surface of independent copies (3 translations each, contiguous equal blocks)
            // that of each copy.
            const Eigen::Index copies = s_.zeroModeCount() / 3, n = d.size() / 3;
            for (Eigen::Index first = 0, per = copies > 0 ? n / copies : n; copies > 0 && first < n; first += per) {
                Eigen::Vector3d mean = Eigen::Vector3d::Zero();
                double total = 0.0;
                for (Eigen::Index i = first; i < first + per; ++i) {
                    const double m = 1.0 / (w_[3 * i] * w_[3 * i]);
                    mean += m * d.segment<3>(3 * i);
                    total += m;
                }
                mean /= total;
                for (Eigen::Index i = first; i < first + per; ++i) d.segment<3>(3 * i) -= mean;
            }
            if (mwNorm(d) < o_.step) {
                arrival_ = x + d;
                return which;
            }
        }
        return 0;
    }

    /// Energies along the straight line from `minimum` in the mass-weighted direction `unit`, at
    /// multiples of the step until the energy reaches `wallTop` (or turns down, or maxContinuation).
    void continuation(const Eigen::VectorXd& minimum, const Eigen::VectorXd& unit, double wallTop,
                      std::vector<double>& dist, std::vector<double>& energy) {
        const double h = o_.step;
        double last = s_.energy(minimum);
        for (int j = 1; j * h <= o_.maxContinuation + 0.5 * h && last < wallTop; ++j) {
            const double e = s_.energy(minimum + (j * h) * unit.cwiseProduct(w_));
            if (!std::isfinite(e) || e < last) break; // past the wall's top: a hard wall from here
            dist.push_back(j * h);
            energy.push_back(e);
            last = e;
        }
    }

private:
    EnergySurface& s_;
    const Eigen::VectorXd &m1_, &m2_;
    const ReactionPathOptions& o_;
    Eigen::VectorXd w_;
    Eigen::VectorXd arrival_;
    Eigen::MatrixXd krylovBasis_;
};

/// Fraction of u's weight in the copies the path moves: a surface of independent copies (3
/// translations each, contiguous equal blocks, as PairPotential builds them) has its modes in
/// single copies, and the continuation of a path in one copy must stay in that copy. 1 for a
/// single system.
double weightInMovingCopies(const Eigen::VectorXd& u, const Eigen::VectorXd& inward, int zeroModes) {
    const Eigen::Index copies = zeroModes / 3;
    if (copies <= 1) return 1.0;
    const Eigen::Index block = u.size() / copies;
    double moving = 0.0;
    const double total = inward.squaredNorm();
    for (Eigen::Index k = 0; k < copies; ++k)
        if (inward.segment(k * block, block).squaredNorm() > 1e-6 * total) moving += u.segment(k * block, block).squaredNorm();
    return moving / u.squaredNorm();
}

/// The outward continuation direction past a minimum: its softest mass-weighted mode (the
/// direction in which a steepest-descent path enters a minimum) among those of the copies the
/// path moves, pointing away from the path (`inward` is the path's last mass-weighted step into
/// the minimum).
Eigen::VectorXd softestOutward(Walker& walker, const Eigen::VectorXd& minimum, const Eigen::VectorXd& inward,
                               int zeroModes) {
    const int copies = std::max(1, zeroModes / 3);
    Eigen::VectorXd u;
    if (walker.large()) {
        // One softest mode per copy is enough to find the softest of the moving copies.
        const LowestModes m = walker.sparseModes(minimum, copies, zeroModes);
        for (Eigen::Index c = 0; c < m.vectors.cols() && u.size() == 0; ++c)
            if (weightInMovingCopies(m.vectors.col(c), inward, zeroModes) > 0.5) u = m.vectors.col(c);
        if (u.size() == 0) throw NumericalError("reaction path: no softest mode at a minimum (Lanczos did not converge)");
    } else {
        const auto eig = walker.modes(minimum);
        // Eigenvalues ascend; translations (zeroModes of them) are the ones nearest zero.
        const std::vector<bool> zero = zeroModeMask(eig.eigenvalues(), zeroModes);
        Eigen::Index soft = 0;
        while (soft < eig.eigenvalues().size() &&
               (zero[static_cast<std::size_t>(soft)] || weightInMovingCopies(eig.eigenvectors().col(soft), inward, zeroModes) <= 0.5))
            ++soft;
        if (soft == eig.eigenvalues().size()) throw NumericalError("reaction path: no softest mode at a minimum");
        u = eig.eigenvectors().col(soft);
    }
    if (u.dot(inward) < 0.0) u = -u;
    return u;
}

} // namespace

bool continueReactionPath(EnergySurface& s, ReactionPath& r, const Eigen::VectorXd& mass, const ReactionPathOptions& o) {
    if (!(o.continuation > 0.0) || !std::isfinite(o.continuation) || !(o.maxContinuation > 0.0))
        throw InputError("reaction path: the continuation must be > 0");
    Walker walker(s, r.positions.front(), r.positions.back(), mass, o);
    const double eSaddle = r.energy[static_cast<std::size_t>(r.saddleIndex)];
    std::vector<double> d1, e1, d2, e2;
    const double wallTop = eSaddle + o.continuation * (eSaddle - std::min(r.energy.front(), r.energy.back()));
    walker.continuation(r.positions.front(), r.outward1, wallTop, d1, e1);
    walker.continuation(r.positions.back(), r.outward2, wallTop, d2, e2);
    // Where the energy turns down along the softest mode before reaching the wall top (another
    // basin along that mode), that side continues as the mirror image of the path instead.
    auto mirrored = [&](bool first, std::vector<double>& d, std::vector<double>& e) {
        d.clear(), e.clear();
        for (std::size_t k = 0; k < r.s.size(); ++k) {
            const double delta = first ? r.s[k] : r.sMinimum2 - r.s[k];
            const bool beyond = first ? r.s[k] <= r.sSaddle : r.s[k] >= r.sSaddle;
            if (delta > 0.0 && beyond) d.push_back(delta), e.push_back(r.energy[k]);
        }
        if (!first) std::reverse(d.begin(), d.end()), std::reverse(e.begin(), e.end());
    };
    r.mirrored1 = e1.empty() || e1.back() < wallTop;
    if (r.mirrored1) mirrored(true, d1, e1);
    r.mirrored2 = e2.empty() || e2.back() < wallTop;
    if (r.mirrored2) mirrored(false, d2, e2);
    r.profile = {};
    for (std::size_t j = d1.size(); j-- > 0;) r.profile.s.push_back(-d1[j]), r.profile.energy.push_back(e1[j]);
    for (std::size_t k = 0; k < r.s.size(); ++k) {
        // Consecutive points closer than rounding would break the strictly increasing s.
        if (!r.profile.s.empty() && !(r.s[k] > r.profile.s.back() + 1e-12)) continue;
        r.profile.s.push_back(r.s[k]);
        r.profile.energy.push_back(r.energy[k]);
    }
    for (std::size_t j = 0; j < d2.size(); ++j)
        if (r.sMinimum2 + d2[j] > r.profile.s.back() + 1e-12) r.profile.s.push_back(r.sMinimum2 + d2[j]), r.profile.energy.push_back(e2[j]);
    r.ok = !d1.empty() && !d2.empty();
    r.message = r.ok ? std::string() : "reaction path: no continuation past a minimum";
    return r.ok;
}

ReactionPath resolveReactionPath(EnergySurface& s, const Eigen::VectorXd& saddle, const Eigen::VectorXd& m1,
                                 const Eigen::VectorXd& m2, const Eigen::VectorXd& mass,
                                 const ReactionPathOptions& o) {
    if (!(o.step > 0.0) || !std::isfinite(o.step)) throw InputError("reaction path: the step must be > 0");
    if (!(o.continuation > 0.0) || !std::isfinite(o.continuation) || !(o.maxContinuation > 0.0))
        throw InputError("reaction path: the continuation must be > 0");
    if (3 * mass.size() != saddle.size()) throw InputError("reaction path: one mass per particle expected");
    ReactionPath r;
    Walker walker(s, m1, m2, mass, o);
    const double eSaddle = s.energy(saddle);
    // Leave the saddle along the mass-weighted unstable mode (the lowest eigenvalue).
    Eigen::VectorXd unstable;
    double lowest = 0.0;
    if (walker.large()) {
        const LowestModes m = walker.sparseModes(saddle, 1, s.zeroModeCount());
        if (m.vectors.cols() >= 1) unstable = m.vectors.col(0), lowest = m.values[0];
    } else {
        const auto eig = walker.modes(saddle);
        unstable = eig.eigenvectors().col(0);
        lowest = eig.eigenvalues()[0];
    }
    if (!(lowest < 0.0)) {
        r.message = "the saddle has no unstable mode";
        return r;
    }
    Branch plus = walker.descend(saddle, eSaddle, o.step * unstable);
    Branch minus = walker.descend(saddle, eSaddle, -o.step * unstable);
    for (const Branch* b : {&plus, &minus})
        if (b->reached == 0) {
            r.message = "reaction path: " + b->message;
            return r;
        }
    if (plus.reached == minus.reached) {
        r.message = "reaction path: both descents from the saddle reach minimum " + std::to_string(plus.reached);
        return r;
    }
    const Branch& to1 = plus.reached == 1 ? plus : minus;
    const Branch& to2 = plus.reached == 1 ? minus : plus;
    for (std::size_t k = to1.x.size(); k-- > 0;) r.positions.push_back(to1.x[k]), r.energy.push_back(to1.e[k]);
    r.saddleIndex = static_cast<int>(r.positions.size());
    r.positions.push_back(saddle);
    r.energy.push_back(eSaddle);
    for (std::size_t k = 0; k < to2.x.size(); ++k) r.positions.push_back(to2.x[k]), r.energy.push_back(to2.e[k]);
    // Shift whole periodic images so the path starts at minimum 1 exactly as given.
    const Eigen::VectorXd shift = r.positions.front() - m1;
    for (auto& x : r.positions) x -= shift;
    r.positions.front() = m1;
    double arc = 0.0;
    for (std::size_t k = 0; k < r.positions.size(); ++k) {
        if (k > 0) arc += walker.mwNorm(r.positions[k] - r.positions[k - 1]);
        r.s.push_back(arc);
    }
    r.sSaddle = r.s[static_cast<std::size_t>(r.saddleIndex)];
    r.sMinimum2 = r.s.back();

    // The directions past both minima: each minimum's softest mode, pointing away from the path.
    const int zeroModes = s.zeroModeCount();
    const std::size_t last = r.positions.size() - 1;
    const Eigen::VectorXd in1 = (r.positions[0] - r.positions[1]).cwiseQuotient(walker.w());
    const Eigen::VectorXd in2 = (r.positions[last] - r.positions[last - 1]).cwiseQuotient(walker.w());
    r.outward1 = softestOutward(walker, r.positions.front(), in1, zeroModes);
    r.outward2 = softestOutward(walker, r.positions.back(), in2, zeroModes);
    continueReactionPath(s, r, mass, o);
    return r;
}

} // namespace tlscope
