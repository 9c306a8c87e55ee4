// Counter-based random numbers: value i of a draw is a pure function of (seed, offset + i).
//
// A Generator in TypeScript owns (seed, offset) and advances offset by the count it draws, so
// the same seed gives the same weights and dropout masks whatever the thread count, and
// kernels can fill in parallel. The mixer is SplitMix64 (Steele, Lea & Flood 2014), whose
// output passes BigCrush; normals use the Box-Muller transform (Box & Muller 1958).
#pragma once
#include <cstddef>
#include <cstdint>

namespace kiln {

inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline std::uint64_t random_bits(std::uint64_t seed, std::uint64_t counter) {
  return splitmix64(splitmix64(seed) ^ counter);
}

// Uniform in [0, 1) with 24 random bits: every float32 value of that grid is reachable.
inline float uniform01(std::uint64_t bits) { return static_cast<float>(bits >> 40) * (1.0f / 16777216.0f); }

// out[i] ~ U(low, high), i in [0, n).  out: (n)
void random_uniform(float* out, std::size_t n, float low, float high, std::uint64_t seed, std::uint64_t offset);

// out[i] ~ N(mean, std^2).  out: (n)
void random_normal(float* out, std::size_t n, float mean, float std, std::uint64_t seed, std::uint64_t offset);

}  // namespace kiln
