#include "dropout.h"

#include <cmath>

#include "../parallel.h"
#include "random.h"

namespace kiln {

namespace {

// One chunk of the forward pass, with every value a local and the buffers __restrict: inside
// parallel_for's lambda the captures are references the stores might alias, which kept GCC
// from vectorising the loop (8.8 ns an element instead of 0.5).
// Element i is dropped when the top 32 bits of random_bits(seed, offset + i) are below
// ceil(p * 2^32), i.e. with probability p to within 2^-32. An integer compare, because
// converting 64-bit integers to double does not vectorise before AVX-512.
template <bool kMask>
void forward_chunk(float* __restrict out, float* __restrict mask, const float* __restrict inp, std::size_t begin,
                   std::size_t end, std::uint64_t threshold, float scale, std::uint64_t key, std::uint64_t offset) {
  for (std::size_t i = begin; i < end; ++i) {
    // splitmix64(key ^ counter) with key = splitmix64(seed) is random_bits(seed, counter).
    const float m = (splitmix64(key ^ (offset + i)) >> 32) < threshold ? 0.0f : scale;
    if (kMask) mask[i] = m;
    out[i] = inp[i] * m;
  }
}

void backward_chunk(float* __restrict dinp, const float* __restrict dout, const float* __restrict mask, std::size_t begin,
                    std::size_t end) {
  for (std::size_t i = begin; i < end; ++i) dinp[i] += dout[i] * mask[i];
}

}  // namespace

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
  const std::uint64_t threshold = static_cast<std::uint64_t>(std::ceil(p * 4294967296.0));
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  const std::uint64_t key = splitmix64(seed);
  parallel_for(n, 1 << 16, [=](std::size_t b, std::size_t e) {
    if (mask != nullptr)
      forward_chunk<true>(out, mask, inp, b, e, threshold, scale, key, offset);
    else
      forward_chunk<false>(out, mask, inp, b, e, threshold, scale, key, offset);
  });
}

void dropout_backward(float* dinp, const float* dout, const float* mask, std::size_t n) {
  parallel_for(n, 1 << 16, [=](std::size_t b, std::size_t e) { backward_chunk(dinp, dout, mask, b, e); });
}

}  // namespace kiln
