#include "random.h"

#include <cmath>

#include "../parallel.h"

namespace kiln {

void random_uniform(float* out, std::size_t n, float low, float high, std::uint64_t seed, std::uint64_t offset) {
  const float span = high - low;
  parallel_for(n, 1 << 16, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) out[i] = low + span * uniform01(random_bits(seed, offset + i));
  });
}

void random_normal(float* out, std::size_t n, float mean, float std, std::uint64_t seed, std::uint64_t offset) {
  const double two_pi = 6.283185307179586;
  parallel_for(n, 1 << 15, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      const std::uint64_t bits = random_bits(seed, offset + i);
      // Two 32-bit halves give the two uniforms; u1 in (0, 1] keeps log finite.
      const double u1 = (static_cast<double>(bits >> 32) + 1.0) * (1.0 / 4294967296.0);
      const double u2 = static_cast<double>(bits & 0xFFFFFFFFULL) * (1.0 / 4294967296.0);
      out[i] = mean + std * static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(two_pi * u2));
    }
  });
}

}  // namespace kiln
