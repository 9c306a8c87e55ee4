// Pooling kernels, following PyTorch's CPU kernels (aten/src/ATen/native/cpu/MaxPoolKernel.cpp,
// AvgPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp) so that window bounds, divisors, tie-breaking
// and NaN handling agree exactly. Every plane is independent, so all of them run in parallel
// over the N*C planes, with no synchronisation: each thread reads and writes its own planes.
#include "pool2d.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "../parallel.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace kiln {
namespace {

// Planes per task: enough elements that a hand-off to another thread pays for itself.
std::size_t plane_grain(int H, int W) {
  const std::size_t plane = std::max<std::size_t>(1, static_cast<std::size_t>(H) * W);
  return std::max<std::size_t>(1, 32768 / plane);
}

void for_planes(int P, int H, int W, const std::function<void(std::size_t, std::size_t)>& fn) {
  parallel_for(static_cast<std::size_t>(P), plane_grain(H, W), fn);
}

inline int out_size(int in, int k, int s, int p) {
  const long long span = static_cast<long long>(in) + 2LL * p - k;
  return span < 0 ? 0 : static_cast<int>(span / s + 1);
}

// PyTorch's adaptive pooling bounds: [floor(i*in/out), ceil((i+1)*in/out)).
inline int start_index(int i, int out, int in) {
  return static_cast<int>(static_cast<long long>(i) * in / out);
}
inline int end_index(int i, int out, int in) {
  return static_cast<int>((static_cast<long long>(i + 1) * in + out - 1) / out);
}

// The divisor of an average-pooling window (PyTorch's avg_pool2d with divisor_override unset).
struct AvgWindow {
  int h0, h1, w0, w1;
  float divisor;
  AvgWindow(int oh, int ow, int H, int W, int KH, int KW, int SH, int SW, int PH, int PW, bool include_pad) {
    h0 = oh * SH - PH;
    w0 = ow * SW - PW;
    h1 = std::min(h0 + KH, H + PH);
    w1 = std::min(w0 + KW, W + PW);
    const int pool_size = (h1 - h0) * (w1 - w0);
    h0 = std::max(h0, 0);
    w0 = std::max(w0, 0);
    h1 = std::min(h1, H);
    w1 = std::min(w1, W);
    divisor = static_cast<float>(include_pad ? pool_size : (h1 - h0) * (w1 - w0));
  }
  bool empty() const { return h0 >= h1 || w0 >= w1; }
};

// PyTorch's max-pooling step, "if (val > max || isnan(val))", written with selects instead of
// a branch: on real data the comparison is a coin flip, and mispredicted branches made the
// plain loop 5x slower.
inline void take_if_greater(float v, int i, float* m, int* mi) {
  const bool take = (v > *m) | (v != v);
  *m = take ? v : *m;
  *mi = take ? i : *mi;
}

// One plane of the common 2x2/2 case. The scan order (r0c0, r0c1, r1c0, r1c1) and the test
// are PyTorch's, so ties and NaN resolve the same way; PyTorch's first test, r0c0 > -inf,
// fails only for -inf or NaN, and the index is the window start either way.
//
// With AVX-512, 16 outputs at a time: masked loads cover the short rows of CNN feature maps
// (OW = 14 or 7), which a compiler-vectorised loop would run as scalar remainders, and each
// scalar window costs ~3 mispredicted branches on real data (GCC turns the selects back into
// jumps). Elsewhere the portable loop below, which GCC vectorises for rows of 8 and more.
void maxpool_plane_2x2(float* y, std::int32_t* idx, const float* x, int W, int OH, int OW) {
  for (int oh = 0; oh < OH; ++oh) {
    const float* r0 = x + 2 * oh * W;
    const float* r1 = r0 + W;
    float* yr = y + oh * OW;
    std::int32_t* ir = idx + oh * OW;
    const int base = 2 * oh * W;
    int ow = 0;
#if defined(__AVX512F__)
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
    const __m512i lane2 = _mm512_slli_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), 1);
    for (; ow < OW; ow += 16) {
      const int n = std::min(16, OW - ow);  // outputs in this step; they read 2n inputs per row
      const __mmask16 out_mask = static_cast<__mmask16>((1u << n) - 1);
      const __mmask16 lo_mask = static_cast<__mmask16>((1u << std::min(16, 2 * n)) - 1);
      const __mmask16 hi_mask = static_cast<__mmask16>((1u << std::max(0, 2 * n - 16)) - 1);
      const __m512 r0lo = _mm512_maskz_loadu_ps(lo_mask, r0 + 2 * ow), r0hi = _mm512_maskz_loadu_ps(hi_mask, r0 + 2 * ow + 16);
      const __m512 r1lo = _mm512_maskz_loadu_ps(lo_mask, r1 + 2 * ow), r1hi = _mm512_maskz_loadu_ps(hi_mask, r1 + 2 * ow + 16);
      const __m512 a = _mm512_permutex2var_ps(r0lo, even, r0hi), b = _mm512_permutex2var_ps(r0lo, odd, r0hi);
      const __m512 c = _mm512_permutex2var_ps(r1lo, even, r1hi), d = _mm512_permutex2var_ps(r1lo, odd, r1hi);
      __m512 m = a;
      __m512i off = _mm512_setzero_si512();
      __mmask16 t = _mm512_cmp_ps_mask(b, m, _CMP_GT_OQ) | _mm512_cmp_ps_mask(b, b, _CMP_UNORD_Q);
      m = _mm512_mask_mov_ps(m, t, b);
      off = _mm512_mask_mov_epi32(off, t, _mm512_set1_epi32(1));
      t = _mm512_cmp_ps_mask(c, m, _CMP_GT_OQ) | _mm512_cmp_ps_mask(c, c, _CMP_UNORD_Q);
      m = _mm512_mask_mov_ps(m, t, c);
      off = _mm512_mask_mov_epi32(off, t, _mm512_set1_epi32(W));
      t = _mm512_cmp_ps_mask(d, m, _CMP_GT_OQ) | _mm512_cmp_ps_mask(d, d, _CMP_UNORD_Q);
      m = _mm512_mask_mov_ps(m, t, d);
      off = _mm512_mask_mov_epi32(off, t, _mm512_set1_epi32(W + 1));
      const __m512i where = _mm512_add_epi32(_mm512_add_epi32(_mm512_set1_epi32(base + 2 * ow), lane2), off);
      _mm512_mask_storeu_ps(yr + ow, out_mask, m);
      _mm512_mask_storeu_epi32(ir + ow, out_mask, where);
    }
#endif
    for (; ow < OW; ++ow) {
      const float a = r0[2 * ow], b = r0[2 * ow + 1], c = r1[2 * ow], d = r1[2 * ow + 1];
      float m = a;
      int off = 0;  // offset of the maximum from the window start: 0, 1, W or W + 1
      const bool tb = (b > m) | (b != b);
      m = tb ? b : m;
      off = tb ? 1 : off;
      const bool tc = (c > m) | (c != c);
      m = tc ? c : m;
      off = tc ? W : off;
      const bool td = (d > m) | (d != d);
      m = td ? d : m;
      off = td ? W + 1 : off;
      yr[ow] = m;
      ir[ow] = base + 2 * ow + off;
    }
  }
}

// One plane, any window: PyTorch's cpu_max_pool loop (padding is skipped, as -inf).
void maxpool_plane(float* y, std::int32_t* idx, const float* x, int H, int W, int KH, int KW, int SH, int SW, int PH,
                   int PW, int OH, int OW) {
  for (int oh = 0; oh < OH; ++oh) {
    int h0 = oh * SH - PH;
    const int h1 = std::min(h0 + KH, H);
    h0 = std::max(h0, 0);
    for (int ow = 0; ow < OW; ++ow) {
      int w0 = ow * SW - PW;
      const int w1 = std::min(w0 + KW, W);
      w0 = std::max(w0, 0);
      float m = -std::numeric_limits<float>::infinity();
      int mi = h0 * W + w0;
      for (int ih = h0; ih < h1; ++ih)
        for (int iw = w0; iw < w1; ++iw) take_if_greater(x[ih * W + iw], ih * W + iw, &m, &mi);
      y[oh * OW + ow] = m;
      idx[oh * OW + ow] = mi;
    }
  }
}

}  // namespace

void maxpool2d_forward(float* out, std::int32_t* argmax, const float* inp, int P, int H, int W, int KH, int KW, int SH,
                       int SW, int PH, int PW) {
  const int OH = out_size(H, KH, SH, PH), OW = out_size(W, KW, SW, PW);
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  const bool two_by_two = KH == 2 && KW == 2 && SH == 2 && SW == 2 && PH == 0 && PW == 0;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      if (two_by_two)
        maxpool_plane_2x2(out + p * out_plane, argmax + p * out_plane, inp + p * in_plane, W, OH, OW);
      else
        maxpool_plane(out + p * out_plane, argmax + p * out_plane, inp + p * in_plane, H, W, KH, KW, SH, SW, PH, PW, OH,
                      OW);
    }
  });
}

void maxpool2d_backward(float* dinp, const float* dout, const std::int32_t* argmax, int P, int H, int W, int OH,
                        int OW) {
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      float* dx = dinp + p * in_plane;
      const float* dy = dout + p * out_plane;
      const std::int32_t* idx = argmax + p * out_plane;
      for (std::size_t o = 0; o < out_plane; ++o) dx[idx[o]] += dy[o];
    }
  });
}

void avgpool2d_forward(float* out, const float* inp, int P, int H, int W, int KH, int KW, int SH, int SW, int PH,
                       int PW, bool count_include_pad) {
  const int OH = out_size(H, KH, SH, PH), OW = out_size(W, KW, SW, PW);
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      const float* x = inp + p * in_plane;
      float* y = out + p * out_plane;
      for (int oh = 0; oh < OH; ++oh) {
        for (int ow = 0; ow < OW; ++ow) {
          const AvgWindow win(oh, ow, H, W, KH, KW, SH, SW, PH, PW, count_include_pad);
          if (win.empty()) {
            y[oh * OW + ow] = 0.0f;
            continue;
          }
          float s = 0.0f;
          for (int ih = win.h0; ih < win.h1; ++ih)
            for (int iw = win.w0; iw < win.w1; ++iw) s += x[ih * W + iw];
          y[oh * OW + ow] = s / win.divisor;
        }
      }
    }
  });
}

void avgpool2d_backward(float* dinp, const float* dout, int P, int H, int W, int KH, int KW, int SH, int SW, int PH,
                        int PW, bool count_include_pad) {
  const int OH = out_size(H, KH, SH, PH), OW = out_size(W, KW, SW, PW);
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      float* dx = dinp + p * in_plane;
      const float* dy = dout + p * out_plane;
      for (int oh = 0; oh < OH; ++oh) {
        for (int ow = 0; ow < OW; ++ow) {
          const AvgWindow win(oh, ow, H, W, KH, KW, SH, SW, PH, PW, count_include_pad);
          if (win.empty()) continue;
          const float g = dy[oh * OW + ow] / win.divisor;
          for (int ih = win.h0; ih < win.h1; ++ih)
            for (int iw = win.w0; iw < win.w1; ++iw) dx[ih * W + iw] += g;
        }
      }
    }
  });
}

void adaptive_avgpool2d_forward(float* out, const float* inp, int P, int H, int W, int OH, int OW) {
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      const float* x = inp + p * in_plane;
      float* y = out + p * out_plane;
      for (int oh = 0; oh < OH; ++oh) {
        const int h0 = start_index(oh, OH, H), h1 = end_index(oh, OH, H);
        for (int ow = 0; ow < OW; ++ow) {
          const int w0 = start_index(ow, OW, W), w1 = end_index(ow, OW, W);
          float s = 0.0f;
          for (int ih = h0; ih < h1; ++ih)
            for (int iw = w0; iw < w1; ++iw) s += x[ih * W + iw];
          y[oh * OW + ow] = s / static_cast<float>((h1 - h0) * (w1 - w0));
        }
      }
    }
  });
}

void adaptive_avgpool2d_backward(float* dinp, const float* dout, int P, int H, int W, int OH, int OW) {
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      float* dx = dinp + p * in_plane;
      const float* dy = dout + p * out_plane;
      for (int oh = 0; oh < OH; ++oh) {
        const int h0 = start_index(oh, OH, H), h1 = end_index(oh, OH, H);
        for (int ow = 0; ow < OW; ++ow) {
          const int w0 = start_index(ow, OW, W), w1 = end_index(ow, OW, W);
          const float g = dy[oh * OW + ow] / static_cast<float>((h1 - h0) * (w1 - w0));
          for (int ih = h0; ih < h1; ++ih)
            for (int iw = w0; iw < w1; ++iw) dx[ih * W + iw] += g;
        }
      }
    }
  });
}

}  // namespace kiln
