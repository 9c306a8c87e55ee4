#include "layernorm.h"

#include <cmath>
#include <vector>

#include "../parallel.h"
#include "norm_common.h"

namespace kiln {

using norm::ArrayMap;
using norm::ConstArrayMap;
using norm::chunked_sum;
using norm::i64;

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       int N, int D, float eps) {
  // A missing weight is ones and a missing bias zeros: one code path, and the extra reads
  // come from L1.
  std::vector<float> ones(weight ? 0 : D, 1.0f), zeros(bias ? 0 : D, 0.0f);
  ConstArrayMap w(weight ? weight : ones.data(), D), b(bias ? bias : zeros.data(), D);
  parallel_for(N, norm::row_grain(D), [&](std::size_t lo, std::size_t hi) {
    for (i64 i = i64(lo); i < i64(hi); ++i) {
      const float* x = inp + i * D;
      if (D == 0) {
        mean[i] = 0.0f;
        rstd[i] = float(1.0 / std::sqrt(double(eps)));
        continue;
      }
      // Mean first, then the centred sum of squares: the row is in cache for the second pass,
      // and the centred form does not cancel when |mean| >> std, as sum(x^2) - n mean^2 would.
      const float m = float(chunked_sum(D, [&](int j, int len) { return ConstArrayMap(x + j, len).sum(); }) / D);
      const double ss = chunked_sum(D, [&](int j, int len) { return (ConstArrayMap(x + j, len) - m).square().sum(); });
      const float r = float(1.0 / std::sqrt(ss / D + double(eps)));
      mean[i] = m;
      rstd[i] = r;
      ArrayMap(out + i * D, D) = (ConstArrayMap(x, D) - m) * r * w + b;
    }
  });
}

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int D) {
  if (D == 0) return;
  std::vector<float> ones(weight ? 0 : D, 1.0f);
  const float* wp = weight ? weight : ones.data();
  norm::rows_with_param_grads(N, D, dweight, dbias, [&](int r0, int r1, float* dw, float* db) {
    ConstArrayMap w(wp, D);
    for (i64 i = r0; i < r1; ++i) {
      const float* x = inp + i * D;
      const float* dy = dout + i * D;
      const float m = mean[i], r = rstd[i];
      ConstArrayMap X(x, D), DY(dy, D);
      if (dinp) {
        // The two row means of llm.c's layernorm_backward: mean(g) and mean(g * xhat).
        const float mg = float(chunked_sum(D, [&](int j, int len) {
                                 return (ConstArrayMap(dy + j, len) * ConstArrayMap(wp + j, len)).sum();
                               }) / D);
        const float mgx = float(chunked_sum(D, [&](int j, int len) {
                                  return (ConstArrayMap(dy + j, len) * ConstArrayMap(wp + j, len) *
                                          (ConstArrayMap(x + j, len) - m)).sum();
                                }) * r / D);
        ArrayMap(dinp + i * D, D) += (DY * w - mg - (X - m) * (r * mgx)) * r;
      }
      if (dw) ArrayMap(dw, D) += DY * (X - m) * r;
      if (db) ArrayMap(db, D) += DY;
    }
  });
}

}  // namespace kiln
