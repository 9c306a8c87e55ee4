#include "crossentropy.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "../parallel.h"

namespace kiln {

namespace {

// Rows per chunk: enough logits per chunk (~16K) that threading pays for its hand-off.
std::size_t row_grain(int C) { return static_cast<std::size_t>(std::max(1, 16384 / std::max(C, 1))); }

// A row's sum in an order fixed by its length alone. Eigen starts the vector loop of a
// reduction over a plain Map at the first aligned element, so the order of the additions (and
// the rounding) would depend on where the buffer lies; over an expression it starts at 0.
float row_sum(const Eigen::Map<const Eigen::ArrayXf>& x) { return (x * 1.0f).sum(); }

}  // namespace

void crossentropy_forward(float* losses, float* lse, const float* logits, const std::int32_t* targets, int N, int C,
                          int D, float label_smoothing, int ignore_index) {
  const std::size_t R = static_cast<std::size_t>(N) * D;
  const float eps = label_smoothing;
  const float invC = 1.0f / static_cast<float>(C);
  if (D == 1) {
    // Contiguous rows: Eigen vectorises max, exp and the sums.
    parallel_for(R, row_grain(C), [&](std::size_t begin, std::size_t end) {
      for (std::size_t r = begin; r < end; r++) {
        if (targets[r] == ignore_index) {
          losses[r] = 0.0f;
          lse[r] = 0.0f;
          continue;
        }
        Eigen::Map<const Eigen::ArrayXf> x(logits + r * C, C);
        // Shifting by the max keeps exp() from overflowing; lse is exact in the shift.
        const float m = x.maxCoeff();
        const float l = m + std::log((x - m).exp().sum());
        lse[r] = l;
        const float nll = l - x[targets[r]];
        losses[r] = eps == 0.0f ? nll : (1.0f - eps) * nll + eps * (l - row_sum(x) * invC);
      }
    });
    return;
  }
  // (N, C, D): class c of row (n, d) sits D floats after class c - 1.
  parallel_for(R, row_grain(C), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; r++) {
      if (targets[r] == ignore_index) {
        losses[r] = 0.0f;
        lse[r] = 0.0f;
        continue;
      }
      const std::size_t n = r / D, d = r % D;
      const float* x = logits + n * static_cast<std::size_t>(C) * D + d;
      float m = x[0];
      for (int c = 1; c < C; c++) m = std::max(m, x[static_cast<std::size_t>(c) * D]);
      float s = 0.0f, sx = 0.0f;
      for (int c = 0; c < C; c++) {
        const float v = x[static_cast<std::size_t>(c) * D];
        s += std::exp(v - m);
        sx += v;
      }
      const float l = m + std::log(s);
      lse[r] = l;
      const float nll = l - x[static_cast<std::size_t>(targets[r]) * D];
      losses[r] = eps == 0.0f ? nll : (1.0f - eps) * nll + eps * (l - sx * invC);
    }
  });
}

void crossentropy_backward(float* dlogits, const float* dloss, int dloss_stride, const float* logits, const float* lse,
                           const std::int32_t* targets, int N, int C, int D, float label_smoothing, int ignore_index) {
  const std::size_t R = static_cast<std::size_t>(N) * D;
  const float eps = label_smoothing;
  const float offC = eps / static_cast<float>(C);
  if (D == 1) {
    parallel_for(R, row_grain(C), [&](std::size_t begin, std::size_t end) {
      // The row's gradient goes through aligned scratch: written straight into dlogits, Eigen
      // would use its scalar exp (which differs from the vector one in the last bits) for the
      // elements before the row's first aligned address, so the gradient's bits would depend on
      // where the buffer lies. The extra pass is an add over C floats next to C exps.
      Eigen::ArrayXf p(C);
      for (std::size_t r = begin; r < end; r++) {
        if (targets[r] == ignore_index) continue;
        const float g = dloss[r * dloss_stride];
        Eigen::Map<const Eigen::ArrayXf> x(logits + r * C, C);
        Eigen::Map<Eigen::ArrayXf> dx(dlogits + r * C, C);
        // p_c = exp(x_c - lse), recomputed from the saved lse.
        p = ((x - lse[r]).exp() - offC) * g;
        dx += p;
        dx[targets[r]] -= (1.0f - eps) * g;
      }
    });
    return;
  }
  parallel_for(R, row_grain(C), [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; r++) {
      if (targets[r] == ignore_index) continue;
      const std::size_t n = r / D, d = r % D;
      const std::size_t base = n * static_cast<std::size_t>(C) * D + d;
      const float g = dloss[r * dloss_stride];
      const float l = lse[r];
      for (int c = 0; c < C; c++) {
        const std::size_t i = base + static_cast<std::size_t>(c) * D;
        dlogits[i] += (std::exp(logits[i] - l) - offC) * g;
      }
      dlogits[base + static_cast<std::size_t>(targets[r]) * D] -= (1.0f - eps) * g;
    }
  });
}

}  // namespace kiln
