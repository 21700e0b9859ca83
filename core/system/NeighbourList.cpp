#include "core/system/NeighbourList.h"

#include "core/common/Error.h"
#include "core/system/Configuration.h"

#include <algorithm>
#include <cmath>

namespace tlscope {

NeighbourList::NeighbourList(double cutoff, double skin, double boxLength)
    : listRadius_(cutoff + skin), skin_(skin), box_(boxLength) {
    if (!fits(cutoff, skin, boxLength))
        throw InputError("cutoff " + std::to_string(cutoff) + " does not fit half the box " +
                         std::to_string(0.5 * boxLength));
}

bool NeighbourList::needsRebuild(const Eigen::VectorXd& x) const {
    if (reference_.size() != x.size()) return true;
    const double limit2 = 0.25 * skin_ * skin_;
    const double invL = 1.0 / box_;
    const Eigen::Index n = x.size() / 3;
    for (Eigen::Index i = 0; i < n; ++i) {
        double d2 = 0.0;
        for (int k = 0; k < 3; ++k) {
            const double d = minimumImage(x[3 * i + k] - reference_[3 * i + k], box_, invL);
            d2 += d * d;
        }
        if (d2 > limit2) return true;
    }
    return false;
}

void NeighbourList::build(const Eigen::VectorXd& x) {
    ++builds_;
    reference_ = x;
    const int n = static_cast<int>(x.size() / 3);
    const double L = box_, invL = 1.0 / L, r2max = listRadius_ * listRadius_;
    start_.assign(static_cast<std::size_t>(n) + 1, 0);
    neighbours_.clear();
    const int cellsPerSide = static_cast<int>(std::floor(L / listRadius_));

    auto close = [&](int i, int j) {
        double r2 = 0.0;
        for (int k = 0; k < 3; ++k) {
            const double d = minimumImage(x[3 * i + k] - x[3 * j + k], L, invL);
            r2 += d * d;
        }
        return r2 < r2max;
    };

    if (cellsPerSide < 3) {
        order_.resize(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) order_[i] = i;
        for (int i = 0; i < n; ++i) {
            for (int j = i + 1; j < n; ++j)
                if (close(i, j)) neighbours_.push_back(j);
            start_[i + 1] = static_cast<int>(neighbours_.size());
        }
        return;
    }

    // Cell list over wrapped coordinates. Each particle scans its own cell (partners later in
    // the cell order) and 13 of the 26 neighbouring cells (a half stencil), with the periodic
    // image shift of each neighbouring cell applied directly: no minimum-image rounding. The
    // coordinates are copied in cell order so that every cell is a contiguous run, and the
    // scan appends without a branch (about 15 % of candidates are accepted: a branch on each
    // would mispredict often).
    const int nc = cellsPerSide, ncell = nc * nc * nc;
    const double cellScale = nc * invL;
    std::vector<int> cellOf(static_cast<std::size_t>(n)), cellStart(static_cast<std::size_t>(ncell) + 1, 0);
    std::vector<double> wrapped(3 * static_cast<std::size_t>(n));
    std::vector<int>& order = order_;
    order.assign(static_cast<std::size_t>(n), 0);
    for (int i = 0; i < n; ++i) {
        int c[3];
        for (int k = 0; k < 3; ++k) {
            double v = x[3 * i + k] - L * std::floor(x[3 * i + k] * invL);
            if (v >= L) v -= L;
            wrapped[3 * static_cast<std::size_t>(i) + static_cast<std::size_t>(k)] = v;
            c[k] = std::clamp(static_cast<int>(v * cellScale), 0, nc - 1);
        }
        cellOf[static_cast<std::size_t>(i)] = (c[0] * nc + c[1]) * nc + c[2];
        ++cellStart[static_cast<std::size_t>(cellOf[static_cast<std::size_t>(i)]) + 1];
    }
    for (int c = 0; c < ncell; ++c) cellStart[static_cast<std::size_t>(c) + 1] += cellStart[static_cast<std::size_t>(c)];
    {
        std::vector<int> fill(cellStart.begin(), cellStart.end() - 1);
        for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(fill[static_cast<std::size_t>(cellOf[static_cast<std::size_t>(i)])]++)] = i;
    }
    std::vector<double> wx(static_cast<std::size_t>(n)), wy(wx.size()), wz(wx.size());
    for (std::size_t r = 0; r < wx.size(); ++r) {
        const auto i = 3 * static_cast<std::size_t>(order[r]);
        wx[r] = wrapped[i], wy[r] = wrapped[i + 1], wz[r] = wrapped[i + 2];
    }
    static const int stencil[13][3] = {{1, 0, 0},  {1, 1, 0},  {0, 1, 0},  {-1, 1, 0}, {1, 0, 1},
                                       {1, 1, 1},  {0, 1, 1},  {-1, 1, 1}, {1, -1, 1}, {0, -1, 1},
                                       {-1, -1, 1}, {-1, 0, 1}, {0, 0, 1}};
    neighbours_.resize(std::max<std::size_t>(neighbours_.capacity(), static_cast<std::size_t>(n) * 32));
    std::size_t count = 0;
    for (int row = 0; row < n; ++row) {
        const int c = cellOf[static_cast<std::size_t>(order[static_cast<std::size_t>(row)])];
        const int cx = c / (nc * nc), cy = (c / nc) % nc, cz = c % nc;
        const double xi = wx[static_cast<std::size_t>(row)], yi = wy[static_cast<std::size_t>(row)],
                     zi = wz[static_cast<std::size_t>(row)];
        auto scan = [&](int from, int to, double sx, double sy, double sz) {
            if (count + static_cast<std::size_t>(to - from) > neighbours_.size())
                neighbours_.resize(2 * (count + static_cast<std::size_t>(to - from)));
            int* out = neighbours_.data() + count;
            std::size_t added = 0;
            const double ox = xi - sx, oy = yi - sy, oz = zi - sz;
            if (scan_) {
                count += static_cast<std::size_t>(scan_(wx.data(), wy.data(), wz.data(), from, to, ox, oy, oz, r2max, out));
                return;
            }
            for (int b = from; b < to; ++b) {
                const auto ub = static_cast<std::size_t>(b);
                const double dx = ox - wx[ub], dy = oy - wy[ub], dz = oz - wz[ub];
                out[added] = b;
                added += (dx * dx + dy * dy + dz * dz < r2max) ? 1u : 0u;
            }
            count += added;
        };
        scan(row + 1, cellStart[static_cast<std::size_t>(c) + 1], 0, 0, 0);
        for (const auto& o : stencil) {
            int ox = cx + o[0], oy = cy + o[1], oz = cz + o[2];
            double sx = 0, sy = 0, sz = 0;
            if (ox < 0) ox += nc, sx = -L;
            else if (ox >= nc) ox -= nc, sx = L;
            if (oy < 0) oy += nc, sy = -L;
            else if (oy >= nc) oy -= nc, sy = L;
            if (oz < 0) oz += nc, sz = -L;
            else if (oz >= nc) oz -= nc, sz = L;
            const auto other = static_cast<std::size_t>((ox * nc + oy) * nc + oz);
            scan(cellStart[other], cellStart[other + 1], sx, sy, sz);
        }
        start_[static_cast<std::size_t>(row) + 1] = static_cast<int>(count);
    }
    neighbours_.resize(count);
}

} // namespace tlscope
