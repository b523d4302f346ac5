// The library's own random number generator: xoshiro256** seeded through
// splitmix64, with uniform and normal samples computed here rather than by
// <random>'s distributions, whose algorithms differ between libstdc++ and
// libc++. The same seed gives the same network with either.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "scratchnet/core/matrix.hpp"

namespace scratchnet {

class Rng {
 public:
  using State = std::array<std::uint64_t, 4>;

  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  void reseed(std::uint64_t seed) {
    for (auto& word : state_) word = splitmix64(seed);
    spare_normal_valid_ = false;
  }

  std::uint64_t next_u64() { return advance(state_); }

  // words[0..n) = n calls of next_u64(), with the state in registers all the
  // way: a caller's loop of next_u64() that also stores elsewhere reloads and
  // stores the state at every call, three times slower.
  void fill(std::uint64_t* words, Index n) {
    State state = state_;
    for (Index i = 0; i < n; ++i) words[i] = advance(state);
    state_ = state;
  }

  // A 32-bit word w is a uniform w 2^-32 in [0, 1), and w 2^-32 > p, for p in
  // [0, 1), exactly when w > cut32(p): one integer comparison per value.
  static std::uint32_t cut32(double p) {
    return static_cast<std::uint32_t>(std::ldexp(p, 32));  // floor: p 2^32 is exact
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  // Uniform integer in [0, n), n > 0, without modulo bias: draws past the
  // largest multiple of n are rejected.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = next_u64();
    while (x >= limit) x = next_u64();
    return x % n;
  }

  // Standard normal by the Box-Muller transform; the second value of each
  // pair is kept for the next call.
  double normal() {
    if (spare_normal_valid_) {
      spare_normal_valid_ = false;
      return spare_normal_;
    }
    const double u1 = 1.0 - uniform();  // in (0, 1], so log(u1) is finite
    const double u2 = uniform();
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double angle = 2.0 * 3.14159265358979323846 * u2;
    spare_normal_ = radius * std::sin(angle);
    spare_normal_valid_ = true;
    return radius * std::cos(angle);
  }

  // Fills m with N(0, stddev^2) samples in row-major order.
  template <typename T>
  void fill_normal(Matrix<T>& m, double stddev) {
    for (Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(stddev * normal());
  }

  // The whole state, for checkpoints: restoring it replays the same numbers.
  struct Snapshot {
    State words;
    bool spare_normal_valid;
    double spare_normal;
  };
  Snapshot snapshot() const { return {state_, spare_normal_valid_, spare_normal_}; }
  void restore(const Snapshot& s) {
    state_ = s.words;
    spare_normal_valid_ = s.spare_normal_valid;
    spare_normal_ = s.spare_normal;
  }

 private:
  static std::uint64_t advance(State& s) {
    const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
    const std::uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
  }

  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  State state_{};
  bool spare_normal_valid_ = false;
  double spare_normal_ = 0.0;
};

}  // namespace scratchnet
