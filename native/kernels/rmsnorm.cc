#include "rmsnorm.h"

#include <cmath>
#include <vector>

#include "../parallel.h"
#include "norm_common.h"

namespace kiln {

using norm::ArrayMap;
using norm::ConstArrayMap;
using norm::chunked_sum;
using norm::i64;

void rmsnorm_forward(float* out, float* rstd, const float* inp, const float* weight, int N, int D, float eps) {
  // A missing weight is ones: one code path, and the extra read comes from L1.
  std::vector<float> ones(weight ? 0 : D, 1.0f);
  ConstArrayMap w(weight ? weight : ones.data(), D);
  parallel_for(N, norm::row_grain(D), [&](std::size_t lo, std::size_t hi) {
    for (i64 i = i64(lo); i < i64(hi); ++i) {
      const float* x = inp + i * D;
      const double ss = chunked_sum(D, [&](int j, int len) { return ConstArrayMap(x + j, len).square().sum(); });
      const float r = float(1.0 / std::sqrt((D > 0 ? ss / D : 0.0) + double(eps)));
      rstd[i] = r;
      ArrayMap(out + i * D, D) = ConstArrayMap(x, D) * r * w;
    }
  });
}

void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, int N, int D) {
  if (D == 0) return;
  std::vector<float> ones(weight ? 0 : D, 1.0f);
  const float* wp = weight ? weight : ones.data();
  norm::rows_with_param_grads(N, D, dweight, nullptr, [&](int r0, int r1, float* dw, float*) {
    ConstArrayMap w(wp, D);
    for (i64 i = r0; i < r1; ++i) {
      const float* x = inp + i * D;
      const float* dy = dout + i * D;
      const float r = rstd[i];
      ConstArrayMap X(x, D), DY(dy, D);
      if (dinp) {
        // y depends on x directly and through rstd: d rstd / dx = -rstd^3 x / D, which gives
        // dx = rstd * (g - xhat * mean(g * xhat)) with mean(g * xhat) = rstd * mean(g * x).
        const float mgx = float(chunked_sum(D, [&](int j, int len) {
                                  return (ConstArrayMap(dy + j, len) * ConstArrayMap(wp + j, len) *
                                          ConstArrayMap(x + j, len)).sum();
                                }) * r / D);
        ArrayMap(dinp + i * D, D) += (DY * w - X * (r * mgx)) * r;
      }
      if (dw) ArrayMap(dw, D) += DY * X * r;
    }
  });
}

}  // namespace kiln
