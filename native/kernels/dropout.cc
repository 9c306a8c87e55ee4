#include "dropout.h"

#include <cmath>

#include "../parallel.h"
#include "random.h"

namespace kiln {

void dropout_forward(float* out, float* mask, const float* inp, std::size_t n, double p, std::uint64_t seed,
                     std::uint64_t offset) {
  if (p >= 1.0) {
    // 1/(1-p) is infinite: every element is dropped, with a zero gradient. PyTorch multiplies
    // by 0 here, so a NaN or infinite input gives NaN, as it does for any dropped element.
    parallel_for(n, 1 << 16, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) out[i] = inp[i] * 0.0f;
      if (mask != nullptr)
        for (std::size_t i = b; i < e; ++i) mask[i] = 0.0f;
    });
    return;
  }
  // Dropped when the top 32 random bits fall below p * 2^32: P(drop) is p to within 2^-32.
  const double threshold = p * 4294967296.0;
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  parallel_for(n, 1 << 14, [&](std::size_t b, std::size_t e) {
    if (mask != nullptr) {
      for (std::size_t i = b; i < e; ++i) {
        const float m = static_cast<double>(random_bits(seed, offset + i) >> 32) < threshold ? 0.0f : scale;
        mask[i] = m;
        out[i] = inp[i] * m;
      }
    } else {
      for (std::size_t i = b; i < e; ++i) {
        const float m = static_cast<double>(random_bits(seed, offset + i) >> 32) < threshold ? 0.0f : scale;
        out[i] = inp[i] * m;
      }
    }
  });
}

void dropout_backward(float* dinp, const float* dout, const float* mask, std::size_t n) {
  parallel_for(n, 1 << 16, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) dinp[i] += dout[i] * mask[i];
  });
}

}  // namespace kiln
