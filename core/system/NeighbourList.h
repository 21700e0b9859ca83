#pragma once
// Verlet neighbour list with a skin, built from a cell list (or all pairs for small boxes).
#include <Eigen/Core>

#include <vector>

namespace tlscope {

/// Half neighbour list (each pair stored once) in compressed rows; rebuilt when any particle has moved more
/// than half the skin since the last build, so no pair inside the cutoff is ever missed.
class NeighbourList {
public:
    NeighbourList(double cutoff, double skin, double boxLength);

    /// True if the list must be rebuilt for positions x.
    bool needsRebuild(const Eigen::VectorXd& x) const;
    void build(const Eigen::VectorXd& x);
    /// Rebuilds if needed; returns true if it did.
    bool update(const Eigen::VectorXd& x) {
        if (!needsRebuild(x)) return false;
        build(x);
        return true;
    }

    /// Particles in cell order: row r of the list belongs to particle order()[r], and
    /// neighbours are given as rows (positions in this order), so that kernels walk memory
    /// in space-filling order (the cache behaviour LAMMPS gets from atom sorting).
    const std::vector<int>& order() const { return order_; }
    const std::vector<int>& rowStart() const { return start_; }
    const std::vector<int>& neighbours() const { return neighbours_; }
    int buildCount() const { return builds_; }
    /// Forgets the last build: the next update() rebuilds (and reorders rows) at its positions.
    void invalidate() { reference_.resize(0); }
    /// Whether a box of edge L can use a list with this cutoff: the list stores pairs, not
    /// images, and the kernels take the minimum image of each listed pair, so only the cutoff
    /// must be below L/2. The list radius (cutoff + skin) may exceed L/2: each image distance
    /// changes by at most the relative displacement, so no pair within the cutoff is missed
    /// before a rebuild. (Small boxes are listed by all pairs, larger ones by cells.)
    /// The candidate scan the build uses (kernel::scanFunction of the force kernel's path).
    using Scan = int (*)(const double*, const double*, const double*, int, int, double, double, double, double, int*);
    void setScan(Scan scan) { scan_ = scan; }

    static bool fits(double cutoff, double /*skin*/, double boxLength) {
        return cutoff < 0.5 * boxLength;
    }

private:
    double listRadius_;
    double skin_;
    double box_;
    std::vector<int> start_;
    std::vector<int> neighbours_;
    std::vector<int> order_;
    Eigen::VectorXd reference_;
    int builds_ = 0;
    Scan scan_ = nullptr;
};

} // namespace tlscope
