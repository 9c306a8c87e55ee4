#include "rmsnorm.h"

#include <cmath>
#include <vector>

#include "../parallel.h"
#include "norm_common.h"

namespace kiln {

using norm::i64;
using norm::lane_sum;
using norm::sq;

namespace {

// One row of the backward when dx and dweight are both wanted (the usual case), in one pass.
// A function of its own because GCC vectorises the loop only when the pointers are
// __restrict parameters.
void row_grads(float* __restrict dx, float* __restrict dw, const float* __restrict dy, const float* __restrict x,
               const float* __restrict w, float r, float mgx, int D) {
  for (int j = 0; j < D; ++j) {
    const float xh = x[j] * r;
    dx[j] = (dy[j] * w[j] - xh * mgx) * r;
    dw[j] += dy[j] * xh;
  }
}

}  // namespace

void rmsnorm_forward(float* out, float* rstd, const float* inp, const float* weight, int N, int D, float eps) {
  // No rows, nothing to do: and the stand-in weight below must not be sized by a D that no
  // buffer backs (N = 0 lets any D pass the length checks).
  if (N == 0) return;
  // A missing weight is ones: one code path, and the extra read comes from L1.
  std::vector<float> ones(weight ? 0 : D, 1.0f);
  const float* __restrict w = weight ? weight : ones.data();
  parallel_for(N, norm::row_grain(D), [&](std::size_t lo, std::size_t hi) {
    for (i64 i = i64(lo); i < i64(hi); ++i) {
      const float* __restrict x = inp + i * D;
      float* __restrict y = out + i * D;
      const double ss = lane_sum(D, [&](auto ld) { return sq(ld(x)); });
      const float r = float(1.0 / std::sqrt((D > 0 ? ss / D : 0.0) + double(eps)));
      rstd[i] = r;
      for (int j = 0; j < D; ++j) y[j] = x[j] * r * w[j];
    }
  });
}

void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, int N, int D) {
  // No rows, nothing to do: and the stand-in weight below must not be sized by a D that no
  // buffer backs (N = 0 lets any D pass the length checks).
  if (N == 0) return;
  if (D == 0) return;
  std::vector<float> ones(weight ? 0 : D, 1.0f);
  const float* __restrict w = weight ? weight : ones.data();
  norm::rows_with_param_grads(N, D, dweight, nullptr, [&](int r0, int r1, float* dw_, float*) {
    float* __restrict dw = dw_;
    for (i64 i = r0; i < r1; ++i) {
      const float* __restrict x = inp + i * D;
      const float* __restrict dy = dout + i * D;
      const float r = rstd[i];
      if (dinp) {
        // y depends on x directly and through rstd: d rstd / dx = -rstd^3 x / D, which gives
        // dx = rstd * (g - xhat * mean(g * xhat)) with mean(g * xhat) = rstd * mean(g * x).
        const float mgx = float(lane_sum(D, [&](auto ld) { return ld(dy) * ld(w) * ld(x); }) * r / D);
        float* __restrict dx = dinp + i * D;
        if (dw) {
          row_grads(dx, dw, dy, x, w, r, mgx, D);
          continue;
        }
        for (int j = 0; j < D; ++j) dx[j] = (dy[j] * w[j] - x[j] * r * mgx) * r;
      }
      if (dw)
        for (int j = 0; j < D; ++j) dw[j] += dy[j] * (x[j] * r);
    }
  });
}

}  // namespace kiln
