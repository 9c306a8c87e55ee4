#include "batchnorm.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "../parallel.h"
#include "norm_common.h"

namespace kiln {
namespace {

using norm::ArrayMap;
using norm::ConstArrayMap;
using norm::i64;
using norm::kChunk;
using norm::kGrainElems;
using norm::lane_sum;
using norm::lane_sum2;
using norm::sq;

// Memory order. A channel's data is N runs of L floats, C * L apart. Every pass walks the data
// sample by sample, covering the task's channels within each sample: that reads one
// contiguous block per sample, where channel by channel would jump C * L floats after every
// run. With L = H * W <= 1024 each run is a page or less, and hardware prefetchers stop at
// page boundaries: channel by channel, the (256, 64, 32, 32) forward took 20 ms against
// 10 ms sample by sample, although it had the channel in L2 for its second pass.
//
// Runs at least kLongRun long are summed run by run with the lane sums of norm_common.h;
// shorter runs (L = 1 for (N, C) input) are summed position by position across the task's
// channels, so the inner loop stays long and contiguous either way.
constexpr int kLongRun = 32;

std::size_t channel_grain(int N, int L) {
  const i64 per_channel = std::max<i64>(1, i64(N) * L);
  return static_cast<std::size_t>(std::max<i64>(1, kGrainElems / per_channel));
}

// Mean and biased variance of channels [c0, c1) from one read of the data (mean and var are
// indexed by channel). Sums of squares cancel badly when |mean| >> std, so the data are
// shifted by a pivot near the mean first (the shifted-data algorithm; Chan, Golub & LeVeque
// 1983), and per-position moments are merged with Chan et al.'s pairwise formula.
// Needs N * L > 0.
void channel_moments(double* mean, double* var, const float* inp, int N, int C, int L, int c0, int c1) {
  const i64 n = i64(N) * L;
  if (L >= kLongRun) {
    std::vector<float> pivot(c1 - c0);
    std::vector<double> s(c1 - c0, 0.0), q(c1 - c0, 0.0);
    for (int c = c0; c < c1; ++c) {
      // Pivot: the mean of the channel's first chunk, which the sums then only correct.
      const float* x0 = inp + i64(c) * L;
      const int first = std::min(kChunk, L);
      pivot[c - c0] = float(lane_sum(first, [&](auto ld) { return ld(x0); }) / first);
    }
    for (int b = 0; b < N; ++b) {
      for (int c = c0; c < c1; ++c) {
        const float* x = inp + (i64(b) * C + c) * L;
        const float p = pivot[c - c0];
        double s1, s2;
        lane_sum2(
            L, [&](auto ld) { return ld(x) - p; }, [&](auto ld) { return sq(ld(x) - p); }, s1, s2);
        s[c - c0] += s1;
        q[c - c0] += s2;
      }
    }
    for (int c = c0; c < c1; ++c) {
      const double dm = s[c - c0] / double(n);
      mean[c] = pivot[c - c0] + dm;
      var[c] = std::max(0.0, q[c - c0] / double(n) - dm * dm);
    }
    return;
  }
  // Short runs: accumulate each position j of the task's slice of a sample row in double,
  // pivoted by the first sample's value, then merge the L positions of each channel.
  const int W = (c1 - c0) * L;
  std::vector<double> pivot(W), s(W, 0.0), q(W, 0.0);
  const float* row0 = inp + i64(c0) * L;
  for (int j = 0; j < W; ++j) pivot[j] = row0[j];
  double* __restrict ps = s.data();
  double* __restrict pq = q.data();
  const double* __restrict pk = pivot.data();
  for (int b = 0; b < N; ++b) {
    const float* __restrict x = inp + (i64(b) * C + c0) * L;
    for (int j = 0; j < W; ++j) {
      const double d = double(x[j]) - pk[j];
      ps[j] += d;
      pq[j] += d * d;
    }
  }
  for (int c = c0; c < c1; ++c) {
    const int j0 = (c - c0) * L;
    double m = 0;
    for (int l = 0; l < L; ++l) m += pk[j0 + l] + ps[j0 + l] / N;
    m /= L;
    // Chan et al.: M2 = sum of the positions' M2 + N * sum of (position mean - mean)^2.
    double m2 = 0;
    for (int l = 0; l < L; ++l) {
      const double mj = pk[j0 + l] + ps[j0 + l] / N;
      m2 += std::max(0.0, pq[j0 + l] - ps[j0 + l] * ps[j0 + l] / N) + N * (mj - m) * (mj - m);
    }
    mean[c] = m;
    var[c] = m2 / double(n);
  }
}

// out = (inp - mean[c]) * scale[c] + shift[c] over channels [c0, c1), scale = rstd * weight
// and shift = bias. Centring before scaling (rather than folding the mean into the shift, as
// PyTorch's transform does) keeps the output accurate when |mean| >> std; the data are read
// from memory either way, so the extra subtraction is free.
void normalise(float* out, const float* inp, const float* mean, const float* scale, const float* shift, int N, int C,
               int L, int c0, int c1) {
  if (L >= kLongRun) {
    for (int n = 0; n < N; ++n)
      for (int c = c0; c < c1; ++c) {
        const i64 at = (i64(n) * C + c) * L;
        ArrayMap(out + at, L) = (ConstArrayMap(inp + at, L) - mean[c]) * scale[c] + shift[c];
      }
    return;
  }
  const int W = (c1 - c0) * L;
  std::vector<float> em(W), ea(W), eb(W);
  for (int j = 0; j < W; ++j) {
    em[j] = mean[c0 + j / L];
    ea[j] = scale[c0 + j / L];
    eb[j] = shift[c0 + j / L];
  }
  const float* __restrict pm = em.data();
  const float* __restrict pa = ea.data();
  const float* __restrict pb = eb.data();
  for (int n = 0; n < N; ++n) {
    const i64 at = (i64(n) * C + c0) * L;
    const float* __restrict x = inp + at;
    float* __restrict y = out + at;
    for (int j = 0; j < W; ++j) y[j] = (x[j] - pm[j]) * pa[j] + pb[j];
  }
}

// Per-channel sums of dy and dy * (x - mean) over channels [c0, c1), in one read.
void channel_grad_sums(double* sdy, double* sdyx, const float* dout, const float* inp, const float* mean, int N, int C,
                       int L, int c0, int c1) {
  if (L >= kLongRun) {
    std::fill(sdy + c0, sdy + c1, 0.0);
    std::fill(sdyx + c0, sdyx + c1, 0.0);
    for (int n = 0; n < N; ++n) {
      for (int c = c0; c < c1; ++c) {
        const i64 at = (i64(n) * C + c) * L;
        const float* dy = dout + at;
        const float* x = inp + at;
        const float m = mean[c];
        double s1, s2;
        lane_sum2(
            L, [&](auto ld) { return ld(dy); }, [&](auto ld) { return ld(dy) * (ld(x) - m); }, s1, s2);
        sdy[c] += s1;
        sdyx[c] += s2;
      }
    }
    return;
  }
  const int W = (c1 - c0) * L;
  std::vector<double> s(W, 0.0), q(W, 0.0);
  std::vector<float> mj(W);
  for (int j = 0; j < W; ++j) mj[j] = mean[c0 + j / L];
  double* __restrict ps = s.data();
  double* __restrict pq = q.data();
  const float* __restrict pm = mj.data();
  for (int n = 0; n < N; ++n) {
    const i64 at = (i64(n) * C + c0) * L;
    const float* __restrict dy = dout + at;
    const float* __restrict x = inp + at;
    for (int j = 0; j < W; ++j) {
      ps[j] += dy[j];
      pq[j] += double(dy[j]) * (x[j] - pm[j]);
    }
  }
  for (int c = c0; c < c1; ++c) {
    double a = 0, b = 0;
    for (int l = 0; l < L; ++l) {
      a += ps[(c - c0) * L + l];
      b += pq[(c - c0) * L + l];
    }
    sdy[c] = a;
    sdyx[c] = b;
  }
}

// dinp = a[c] * dout + b[c] * (inp - mean[c]) + k[c] over channels [c0, c1); with_x = false
// skips the read of inp (b and k are zero in evaluation).
void grad_input(float* dinp, const float* dout, const float* inp, const float* mean, const float* a, const float* b,
                const float* k, bool with_x, int N, int C, int L, int c0, int c1) {
  if (L >= kLongRun) {
    for (int n = 0; n < N; ++n) {
      for (int c = c0; c < c1; ++c) {
        const i64 at = (i64(n) * C + c) * L;
        ArrayMap dx(dinp + at, L);
        if (with_x)
          dx = ConstArrayMap(dout + at, L) * a[c] + (ConstArrayMap(inp + at, L) - mean[c]) * b[c] + k[c];
        else
          dx = ConstArrayMap(dout + at, L) * a[c];
      }
    }
    return;
  }
  const int W = (c1 - c0) * L;
  std::vector<float> em(W), ea(W), eb(W), ek(W);
  for (int j = 0; j < W; ++j) {
    em[j] = mean[c0 + j / L];
    ea[j] = a[c0 + j / L];
    eb[j] = b[c0 + j / L];
    ek[j] = k[c0 + j / L];
  }
  const float* __restrict pm = em.data();
  const float* __restrict pa = ea.data();
  const float* __restrict pb = eb.data();
  const float* __restrict pk = ek.data();
  for (int n = 0; n < N; ++n) {
    const i64 at = (i64(n) * C + c0) * L;
    float* __restrict dx = dinp + at;
    const float* __restrict dy = dout + at;
    const float* __restrict x = inp + at;
    if (with_x)
      for (int j = 0; j < W; ++j) dx[j] = dy[j] * pa[j] + (x[j] - pm[j]) * pb[j] + pk[j];
    else
      for (int j = 0; j < W; ++j) dx[j] = dy[j] * pa[j];
  }
}

}  // namespace

void batchnorm_forward_train(float* out, float* mean, float* rstd, float* running_mean, float* running_var,
                             const float* inp, const float* weight, const float* bias, int N, int C, int L,
                             float momentum, float eps) {
  const i64 n = i64(N) * L;
  if (n == 0) {
    // No data: nothing to normalise, and PyTorch leaves the running statistics alone.
    for (int c = 0; c < C; ++c) {
      mean[c] = 0.0f;
      rstd[c] = float(1.0 / std::sqrt(double(eps)));
    }
    return;
  }
  std::vector<double> m(C), v(C);
  std::vector<float> scale(C), shift(C);
  // Each task owns a range of channels: their statistics, running update and normalisation.
  parallel_for(C, channel_grain(N, L), [&](std::size_t b, std::size_t e) {
    const int c0 = int(b), c1 = int(e);
    channel_moments(m.data(), v.data(), inp, N, C, L, c0, c1);
    for (int c = c0; c < c1; ++c) {
      // rstd in double, as PyTorch's accumulate type, before rounding to float.
      const double r = 1.0 / std::sqrt(v[c] + double(eps));
      mean[c] = float(m[c]);
      rstd[c] = float(r);
      const double mom = momentum;
      if (running_mean) running_mean[c] = float(mom * m[c] + (1.0 - mom) * running_mean[c]);
      if (running_var) {
        const double unbiased = n > 1 ? v[c] * double(n) / double(n - 1) : std::numeric_limits<double>::quiet_NaN();
        running_var[c] = float(mom * unbiased + (1.0 - mom) * running_var[c]);
      }
      scale[c] = float(r) * (weight ? weight[c] : 1.0f);
      shift[c] = bias ? bias[c] : 0.0f;
    }
    normalise(out, inp, mean, scale.data(), shift.data(), N, C, L, c0, c1);
  });
}

void batchnorm_forward_eval(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                            const float* bias, const float* running_mean, const float* running_var, int N, int C,
                            int L, float eps) {
  std::vector<float> scale(C), shift(C);
  for (int c = 0; c < C; ++c) {
    const double r = 1.0 / std::sqrt(double(running_var[c]) + double(eps));
    mean[c] = running_mean[c];
    rstd[c] = float(r);
    scale[c] = float(r) * (weight ? weight[c] : 1.0f);
    shift[c] = bias ? bias[c] : 0.0f;
  }
  if (i64(N) * L == 0) return;
  parallel_for(C, channel_grain(N, L), [&](std::size_t b, std::size_t e) {
    normalise(out, inp, mean, scale.data(), shift.data(), N, C, L, int(b), int(e));
  });
}

void batchnorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int C, int L,
                        bool batch_stats) {
  const i64 n = i64(N) * L;
  if (n == 0) return;  // every sum is empty: the gradients gain nothing
  const bool need_sums = dweight || dbias || (dinp && batch_stats);
  std::vector<double> sdy(C, 0.0), sdyx(C, 0.0);
  std::vector<float> a(C), b(C, 0.0f), k(C, 0.0f);
  parallel_for(C, channel_grain(N, L), [&](std::size_t lo, std::size_t hi) {
    const int c0 = int(lo), c1 = int(hi);
    if (need_sums) channel_grad_sums(sdy.data(), sdyx.data(), dout, inp, mean, N, C, L, c0, c1);
    for (int c = c0; c < c1; ++c) {
      const double r = rstd[c];
      const double sdyxhat = sdyx[c] * r;  // sum(dy * xhat)
      if (dweight) dweight[c] += float(sdyxhat);
      if (dbias) dbias[c] += float(sdy[c]);
      const double ac = (weight ? weight[c] : 1.0f) * r;
      a[c] = float(ac);
      if (batch_stats) {
        // dx = ac * (dy - mean(dy) - (x - mean) * r * mean(dy * xhat)) = ac * dy + b * (x - mean) + k.
        b[c] = float(-ac * r * (sdyxhat / double(n)));
        k[c] = float(-ac * (sdy[c] / double(n)));
      }
    }
    if (dinp) grad_input(dinp, dout, inp, mean, a.data(), b.data(), k.data(), batch_stats, N, C, L, c0, c1);
  });
}

}  // namespace kiln
