#pragma once
// Seeded random streams (xoshiro256**), identical on every platform and thread count.
#include <cmath>
#include <cstdint>

namespace tlscope {

/// SplitMix64 step: used to expand a seed into generator state and to derive stream seeds.
inline std::uint64_t splitMix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// A random stream. `RandomStream(seed, stream)` gives independent streams for task indices,
/// so work split over any number of threads draws the same numbers.
class RandomStream {
public:
    explicit RandomStream(std::uint64_t seed, std::uint64_t stream = 0) {
        std::uint64_t sm = seed ^ (0xD1B54A32D192ED03ull * (stream + 1));
        for (auto& w : s_) w = splitMix64(sm);
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    /// Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    /// Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return static_cast<std::uint64_t>(uniform() * n); }
    /// Standard normal (Box-Muller, both values used).
    double normal() {
        if (haveSpare_) {
            haveSpare_ = false;
            return spare_;
        }
        double u1 = uniform();
        while (u1 <= 0.0) u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        spare_ = r * std::sin(2.0 * M_PI * u2);
        haveSpare_ = true;
        return r * std::cos(2.0 * M_PI * u2);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
    double spare_ = 0.0;
    bool haveSpare_ = false;
};

} // namespace tlscope
