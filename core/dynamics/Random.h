#pragma once
// Seeded random streams (xoshiro256**), identical on every platform and thread count.
#include <array>
#include <cmath>
#include <cstdint>

namespace tlscope {

namespace detail {
/// Layers of the 128-strip ziggurat for the standard normal (Marsaglia & Tsang 2000, in the
/// ZIGNOR form of Doornik 2005): strip edges x[i] and the ratios x[i+1]/x[i].
struct Ziggurat {
    static constexpr double R = 3.442619855899;       // start of the tail
    static constexpr double V = 9.91256303526217e-3;  // area of each strip
    std::array<double, 129> x{};
    std::array<double, 128> ratio{};
    Ziggurat() {
        double f = std::exp(-0.5 * R * R);
        x[0] = V / f;
        x[1] = R;
        for (int i = 2; i < 128; ++i) {
            x[i] = std::sqrt(-2.0 * std::log(V / x[i - 1] + f));
            f = std::exp(-0.5 * x[i] * x[i]);
        }
        x[128] = 0.0;
        for (int i = 0; i < 128; ++i) ratio[i] = x[i + 1] / x[i];
    }
    static const Ziggurat& table() {
        static const Ziggurat z;
        return z;
    }
};
} // namespace detail

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
    /// The generator's whole state (checkpoints) and its restoration.
    using State = std::array<std::uint64_t, 4>;
    State state() const { return {s_[0], s_[1], s_[2], s_[3]}; }
    void setState(const State& s) {
        for (std::size_t k = 0; k < 4; ++k) s_[k] = s[k];
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
    /// Standard normal by the ziggurat method: exact (rejection from the true density), and
    /// about 99 % of draws cost one 64-bit number and one multiplication. Thermostats draw
    /// 3N of these per step; Box-Muller (a log, a sqrt and a sincos per pair) took 8 % of a
    /// search (docs/performance.md).
    double normal() {
        const auto& z = detail::Ziggurat::table();
        for (;;) {
            const std::uint64_t bits = next();
            const int i = static_cast<int>(bits & 0x7F);
            // u uniform in (-1, 1) from the top 53 bits
            const double u = 2.0 * (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53 - 1.0;
            if (std::abs(u) < z.ratio[static_cast<std::size_t>(i)]) return u * z.x[static_cast<std::size_t>(i)];
            if (i == 0) { // the tail beyond R (Marsaglia 1964)
                double a, b;
                do {
                    a = -std::log(openUniform()) / detail::Ziggurat::R;
                    b = -std::log(openUniform());
                } while (b + b < a * a);
                return u < 0.0 ? -(detail::Ziggurat::R + a) : detail::Ziggurat::R + a;
            }
            const double xi = z.x[static_cast<std::size_t>(i)], xn = z.x[static_cast<std::size_t>(i) + 1];
            const double v = u * xi;
            const double f0 = std::exp(-0.5 * (xi * xi - v * v));
            const double f1 = std::exp(-0.5 * (xn * xn - v * v));
            if (f1 + uniform() * (f0 - f1) < 1.0) return v;
        }
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    /// Uniform in (0, 1).
    double openUniform() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }
    std::uint64_t s_[4];
};

} // namespace tlscope
