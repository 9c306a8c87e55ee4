#include "embedding.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "../parallel.h"

namespace kiln {

void embedding_forward(float* out, const float* weight, const std::int32_t* ids, int n, int V, int E) {
  (void)V;
  if (n == 0 || E == 0) return;
  const std::size_t row = static_cast<std::size_t>(E);
  // Rows per chunk: ~16K floats copied per chunk, so threading pays for its hand-off.
  const std::size_t grain = std::max<std::size_t>(1, 16384 / row);
  parallel_for(static_cast<std::size_t>(n), grain, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; i++)
      std::memcpy(out + i * row, weight + static_cast<std::size_t>(ids[i]) * row, row * sizeof(float));
  });
}

void embedding_backward(float* dweight, const float* dout, const std::int32_t* ids, int n, int V, int E,
                        int padding_idx) {
  (void)V;
  if (n == 0 || E == 0) return;
  const std::size_t row = static_cast<std::size_t>(E);
  // Bands of at least 16 columns (a 64-byte cache line), so that threads share at most the line
  // at a band's edge, and of ~16K additions (a band's width times n) to be worth a thread.
  const std::size_t grain = std::max<std::size_t>(16, 16384 / static_cast<std::size_t>(n));
  parallel_for(row, grain, [&](std::size_t c0, std::size_t c1) {
    const std::size_t w = c1 - c0;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); i++) {
      const std::int32_t id = ids[i];
      if (id == padding_idx) continue;
      float* dst = dweight + static_cast<std::size_t>(id) * row + c0;
      const float* src = dout + i * row + c0;
      for (std::size_t c = 0; c < w; c++) dst[c] += src[c];
    }
  });
}

}  // namespace kiln
