#include "core/system/NeighbourList.h"

#include "core/common/Error.h"
#include "core/system/Configuration.h"

#include <algorithm>
#include <cmath>

namespace tlscope {

NeighbourList::NeighbourList(double cutoff, double skin, double boxLength)
    : listRadius_(cutoff + skin), skin_(skin), box_(boxLength) {
    if (!fits(cutoff, skin, boxLength))
        throw InputError("neighbour list radius " + std::to_string(listRadius_) +
                         " does not fit half the box " + std::to_string(0.5 * boxLength));
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
        for (int i = 0; i < n; ++i) {
            for (int j = i + 1; j < n; ++j)
                if (close(i, j)) neighbours_.push_back(j);
            start_[i + 1] = static_cast<int>(neighbours_.size());
        }
        return;
    }

    // Cell list: particles sorted by cell, then each particle scans the 27 surrounding cells.
    const int nc = cellsPerSide, ncell = nc * nc * nc;
    const double cellScale = nc * invL;
    std::vector<int> cellOf(n), cellStart(ncell + 1, 0), order(n);
    auto cellCoord = [&](double v) {
        double w = v - L * std::floor(v * invL);
        int c = static_cast<int>(w * cellScale);
        return std::clamp(c, 0, nc - 1);
    };
    for (int i = 0; i < n; ++i) {
        const int cx = cellCoord(x[3 * i]), cy = cellCoord(x[3 * i + 1]),
                  cz = cellCoord(x[3 * i + 2]);
        cellOf[i] = (cx * nc + cy) * nc + cz;
        ++cellStart[cellOf[i] + 1];
    }
    for (int c = 0; c < ncell; ++c) cellStart[c + 1] += cellStart[c];
    std::vector<int> fill(cellStart.begin(), cellStart.end() - 1);
    for (int i = 0; i < n; ++i) order[fill[cellOf[i]]++] = i;

    std::vector<int> row;
    for (int i = 0; i < n; ++i) {
        row.clear();
        const int c = cellOf[i];
        const int cx = c / (nc * nc), cy = (c / nc) % nc, cz = c % nc;
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dz = -1; dz <= 1; ++dz) {
                    const int ox = (cx + dx + nc) % nc, oy = (cy + dy + nc) % nc,
                              oz = (cz + dz + nc) % nc;
                    const int o = (ox * nc + oy) * nc + oz;
                    for (int s = cellStart[o]; s < cellStart[o + 1]; ++s) {
                        const int j = order[s];
                        if (j > i && close(i, j)) row.push_back(j);
                    }
                }
        // Sorted rows make force sums independent of cell layout and cache friendlier.
        std::sort(row.begin(), row.end());
        neighbours_.insert(neighbours_.end(), row.begin(), row.end());
        start_[i + 1] = static_cast<int>(neighbours_.size());
    }
}

} // namespace tlscope
