#include "core/tls/Displacement.h"

#include "core/model/Model.h"

#include "core/system/Configuration.h"

#include <algorithm>
#include <functional>

namespace tlscope {

Eigen::VectorXd relativeMasses(const Model& model, const std::vector<int>& species) {
    Eigen::VectorXd mass(static_cast<Eigen::Index>(species.size()));
    for (std::size_t i = 0; i < species.size(); ++i)
        mass[static_cast<Eigen::Index>(i)] = model.species[static_cast<std::size_t>(species[i])].mass / model.species[0].mass;
    return mass;
}

Eigen::VectorXd comCorrectedDisplacement(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                         double L, const Eigen::VectorXd& mass, int copies) {
    Eigen::VectorXd d = minimumImageDisplacement(a, b, L);
    const Eigen::Index n = d.size() / 3, per = n / std::max(copies, 1);
    for (Eigen::Index first = 0; first < n; first += per) {
        Eigen::Vector3d shift = Eigen::Vector3d::Zero();
        for (Eigen::Index i = first; i < first + per; ++i) shift += mass[i] * d.segment<3>(3 * i);
        shift /= mass.segment(first, per).sum();
        for (Eigen::Index i = first; i < first + per; ++i) d.segment<3>(3 * i) -= shift;
    }
    return d;
}

Eigen::VectorXd alignCopies(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double L,
                            const Eigen::VectorXd& mass, int copies) {
    return a + comCorrectedDisplacement(a, b, L, mass, copies);
}

Eigen::VectorXd alignedTo(const Eigen::VectorXd& reference, const Eigen::VectorXd& x, double L) {
    Configuration c;
    c.boxLength = L;
    c.positions = reference;
    return c.wrappedPositions() + minimumImageDisplacement(reference, x, L);
}

double distance(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double L,
                const Eigen::VectorXd& mass, int copies) {
    return comCorrectedDisplacement(a, b, L, mass, copies).norm();
}

double massWeightedDistance(const Eigen::VectorXd& a, const Eigen::VectorXd& b, double L,
                            const Eigen::VectorXd& mass, int copies) {
    const Eigen::VectorXd d = comCorrectedDisplacement(a, b, L, mass, copies);
    double s = 0.0;
    for (Eigen::Index i = 0; i < mass.size(); ++i) s += mass[i] * d.segment<3>(3 * i).squaredNorm();
    return std::sqrt(s);
}

DisplacementProfile displacementProfile(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                                        double L, const Eigen::VectorXd& mass, int copies) {
    const Eigen::VectorXd d = comCorrectedDisplacement(a, b, L, mass, copies);
    const Eigen::Index n = mass.size();
    DisplacementProfile p;
    p.perParticle.resize(n);
    double sum1 = 0.0, sum2 = 0.0, sum4 = 0.0, mw = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double di2 = d.segment<3>(3 * i).squaredNorm();
        const double di = std::sqrt(di2);
        p.perParticle[i] = di;
        sum1 += di;
        sum2 += di2;
        sum4 += di2 * di2;
        mw += mass[i] * di2;
        if (di > p.centralDisplacement) {
            p.centralDisplacement = di;
            p.centralParticle = static_cast<int>(i);
        }
    }
    p.d = std::sqrt(sum2);
    p.dMassWeighted = std::sqrt(mw);
    const double dmax = p.centralDisplacement;
    if (dmax > 0.0) {
        p.pr2 = sum2 / (dmax * dmax);
        p.pr3 = sum1 / dmax;
        p.pr4 = sum2 * sum2 / sum4;
    }
    p.sorted.assign(p.perParticle.data(), p.perParticle.data() + n);
    std::sort(p.sorted.begin(), p.sorted.end(), std::greater<>());
    return p;
}

double participationRatio1(const std::vector<DisplacementProfile>& set) {
    double meanFraction = 0.0;
    int count = 0;
    for (const auto& p : set) {
        if (p.pr2 <= 0.0) continue;
        meanFraction += 1.0 / p.pr2; // d_max^2 / sum d_i^2
        ++count;
    }
    return count ? count / meanFraction : 0.0;
}

} // namespace tlscope
