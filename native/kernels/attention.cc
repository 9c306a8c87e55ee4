#include "attention.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "../parallel.h"

namespace kiln {

namespace {

using i64 = long long;

// Rows per chunk: about 16k elements of work each, at least one row.
std::size_t grain(int S) { return static_cast<std::size_t>(std::max<i64>(1, 16384 / std::max(1, S))); }

}  // namespace

void attention_softmax_forward(float* probs, const float* scores, const float* mask, int B, int L, int S, int BM,
                               float scale, bool causal) {
  const i64 rows = i64(B) * L;
  if (rows == 0 || S == 0) return;
  const float ninf = -std::numeric_limits<float>::infinity();
  parallel_for(static_cast<std::size_t>(rows), grain(S), [&](std::size_t lo, std::size_t hi) {
    for (i64 r = i64(lo); r < i64(hi); ++r) {
      const i64 b = r / L;
      const i64 i = r % L;
      const float* __restrict s = scores + r * S;
      const float* __restrict m = mask ? mask + ((BM == 1 ? 0 : b) * i64(L) + i) * S : nullptr;
      float* y = probs + r * S;
      // Columns past `end` are causally masked: exp(-inf) = 0 without computing them.
      const int end = causal ? int(std::min<i64>(S, i + 1)) : S;
      float mx = ninf;
      for (int j = 0; j < end; ++j) {
        const float z = scale * s[j] + (m ? m[j] : 0.0f);
        y[j] = z;
        mx = std::max(mx, z);
      }
      if (mx == ninf || std::isnan(mx)) {
        // Every entry -inf (a fully masked row): softmax is 0/0, NaN, as PyTorch's.
        for (int j = 0; j < S; ++j) y[j] = std::numeric_limits<float>::quiet_NaN();
        continue;
      }
      double sum = 0;
      for (int j = 0; j < end; ++j) {
        const float e = std::exp(y[j] - mx);
        y[j] = e;
        sum += e;
      }
      const float inv = float(1.0 / sum);
      for (int j = 0; j < end; ++j) y[j] *= inv;
      for (int j = end; j < S; ++j) y[j] = 0.0f;
    }
  });
}

void attention_softmax_backward(float* dscores, const float* probs, const float* dprobs, int rows, int S) {
  if (rows == 0 || S == 0) return;
  parallel_for(static_cast<std::size_t>(rows), grain(S), [&](std::size_t lo, std::size_t hi) {
    for (i64 r = i64(lo); r < i64(hi); ++r) {
      const float* __restrict p = probs + r * S;
      const float* __restrict dp = dprobs + r * S;
      float* __restrict dz = dscores + r * S;
      double dot = 0;
      for (int j = 0; j < S; ++j) dot += double(p[j]) * dp[j];
      const float d = float(dot);
      for (int j = 0; j < S; ++j) dz[j] = p[j] * (dp[j] - d);
    }
  });
}

}  // namespace kiln
