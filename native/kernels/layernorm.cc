#include "layernorm.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "../parallel.h"
#include "norm_common.h"

namespace kiln {

using norm::i64;
using norm::lane_sum;
using norm::lane_sum2;
using norm::sq;

namespace {

// One row of the backward when dx, dweight and dbias are all wanted (the usual case), in one
// pass. A function of its own because GCC vectorises the loop only when the pointers are
// __restrict parameters.
void row_grads(float* __restrict dx, float* __restrict dw, float* __restrict db, const float* __restrict dy,
               const float* __restrict x, const float* __restrict w, float m, float r, float mg, float mgx, int D) {
  for (int j = 0; j < D; ++j) {
    const float xh = (x[j] - m) * r;
    dx[j] = (dy[j] * w[j] - mg - xh * mgx) * r;
    dw[j] += dy[j] * xh;
    db[j] += dy[j];
  }
}

}  // namespace

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       int N, int D, float eps) {
  // No rows, nothing to do: and the stand-in weight below must not be sized by a D that no
  // buffer backs (N = 0 lets any D pass the length checks).
  if (N == 0) return;
  // A missing weight is ones and a missing bias zeros: one code path, and the extra reads
  // come from L1.
  std::vector<float> ones(weight ? 0 : D, 1.0f), zeros(bias ? 0 : D, 0.0f);
  const float* __restrict w = weight ? weight : ones.data();
  const float* __restrict b = bias ? bias : zeros.data();
  parallel_for(N, norm::row_grain(D), [&](std::size_t lo, std::size_t hi) {
    for (i64 i = i64(lo); i < i64(hi); ++i) {
      const float* __restrict x = inp + i * D;
      float* __restrict y = out + i * D;
      if (D == 0) {
        mean[i] = 0.0f;
        rstd[i] = float(1.0 / std::sqrt(double(eps)));
        continue;
      }
      // The corrected two-pass algorithm (Chan, Golub & LeVeque 1983): a first mean m0, then
      // sums of d = x - m0 and d^2 in one pass over the cached row. sum(d) corrects m0 for its
      // rounding, which matters when |mean| >> std, and the centred squares do not cancel as
      // sum(x^2) - D mean^2 would.
      const float m0 = float(lane_sum(D, [&](auto ld) { return ld(x); }) / D);
      double s1, s2;
      lane_sum2(
          D, [&](auto ld) { return ld(x) - m0; }, [&](auto ld) { return sq(ld(x) - m0); }, s1, s2);
      const double dm = s1 / D;
      const float m = float(m0 + dm);
      const float r = float(1.0 / std::sqrt(std::max(0.0, s2 / D - dm * dm) + double(eps)));
      mean[i] = m;
      rstd[i] = r;
      for (int j = 0; j < D; ++j) y[j] = (x[j] - m) * r * w[j] + b[j];
    }
  });
}

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int D) {
  // No rows, nothing to do: and the stand-in weight below must not be sized by a D that no
  // buffer backs (N = 0 lets any D pass the length checks).
  if (N == 0) return;
  if (D == 0) return;
  std::vector<float> ones(weight ? 0 : D, 1.0f);
  const float* __restrict w = weight ? weight : ones.data();
  norm::rows_with_param_grads(N, D, dweight, dbias, [&](int r0, int r1, float* dw_, float* db_) {
    float* __restrict dw = dw_;
    float* __restrict db = db_;
    for (i64 i = r0; i < r1; ++i) {
      const float* __restrict x = inp + i * D;
      const float* __restrict dy = dout + i * D;
      const float m = mean[i], r = rstd[i];
      if (dinp) {
        // The two row means of llm.c's layernorm_backward, mean(g) and mean(g * xhat), in one pass.
        double sg, sgx;
        lane_sum2(
            D, [&](auto ld) { return ld(dy) * ld(w); }, [&](auto ld) { return ld(dy) * ld(w) * (ld(x) - m); }, sg,
            sgx);
        const float mg = float(sg / D), mgx = float(sgx * r / D);
        float* __restrict dx = dinp + i * D;
        if (dw && db) {
          row_grads(dx, dw, db, dy, x, w, m, r, mg, mgx, D);
          continue;
        }
        for (int j = 0; j < D; ++j) dx[j] = (dy[j] * w[j] - mg - (x[j] - m) * r * mgx) * r;
      }
      if (dw)
        for (int j = 0; j < D; ++j) dw[j] += dy[j] * ((x[j] - m) * r);
      if (db)
        for (int j = 0; j < D; ++j) db[j] += dy[j];
    }
  });
}

}  // namespace kiln
