// Pooling kernels, following PyTorch's CPU kernels (aten/src/ATen/native/cpu/MaxPoolKernel.cpp,
// AvgPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp) so that window bounds, divisors, tie-breaking
// and NaN handling agree exactly. Every plane is independent, so all of them run in parallel
// over the N*C planes, with no synchronisation: each thread reads and writes its own planes.
#include "pool2d.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "../parallel.h"
#include "scratch.h"

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

// Generic windows. Output column ow of a window's column kw reads input column
// ow*SW - PW + kw. The plane, padded (PW columns on the left, and on the right as far as the
// reads reach), is split into SW phases, phase[r][ih][j] = padded[ih][j*SW + r], so that the
// column for (ow, kw) is phase[kw % SW][ih][ow + kw / SW]: for each (kh, kw), a contiguous run
// over all outputs of a row. A window scan is then KH*KW vector loops over the row (a loop per
// window was branchy scalar code: 14 ms for 3x3/2 max pooling of a 64x32x28x28 batch, 1.3 ms
// now). The loops run over `lanes` >= OW outputs, a whole number of 16-lane vectors, so that
// no scalar remainder runs; the extra lanes read padding and are never stored.
struct PoolGeom {
  int H, W, KH, KW, SH, SW, PH, PW, OH, OW;
  int lanes;      // outputs computed per row: OW rounded up to 16
  int phase_len;  // slots per phase row: every (ow < lanes, kw) read and the padded row fit
  int Wpad;       // padded row length, phase_len * SW
  // True when the padded rows would be far longer than the input's (padding or stride wider
  // than the row, as in a 1-pixel input with padding 2^30): the phase layout would then need
  // gigabytes of scratch (or overflow int), so such windows run the direct loops instead.
  bool direct;
  PoolGeom(int H_, int W_, int KH_, int KW_, int SH_, int SW_, int PH_, int PW_, int OH_, int OW_)
      : H(H_), W(W_), KH(KH_), KW(KW_), SH(SH_), SW(SW_), PH(PH_), PW(PW_), OH(OH_), OW(OW_) {
    // Sizes in 64 bits first: with a huge stride or kernel, lanes * SW overflows int.
    const long long lanes64 = (static_cast<long long>(OW) + 15) / 16 * 16;
    const long long len64 = std::max(lanes64 + (KW - 1LL) / SW + 1, (static_cast<long long>(W) + PW + SW - 1) / SW);
    direct = PW > W || SW > W || len64 * SW > 2147483647LL;
    lanes = direct ? 0 : static_cast<int>(lanes64);
    phase_len = direct ? 0 : static_cast<int>(len64);
    Wpad = phase_len * SW;
  }
  std::size_t plane_size() const { return static_cast<std::size_t>(H) * Wpad; }
  // With SW = 1 the padded plane is its own single phase.
  std::size_t scratch_size() const { return plane_size() * (SW == 1 ? 1 : 2); }
  const float* column(const float* phases, int ih, int kw) const {
    return phases + (static_cast<std::size_t>(kw % SW) * H + ih) * phase_len + kw / SW;
  }
  float* column(float* phases, int ih, int kw) const {
    return phases + (static_cast<std::size_t>(kw % SW) * H + ih) * phase_len + kw / SW;
  }
};

// The window walk of the phase layout, shared by max and average pooling: for output row oh,
// row(column, ih, kw) once per (ih, kw) of its windows, rows clipped to the input, in PyTorch's
// order (rows, then the window's columns). `column` runs over all the row's output lanes.
template <typename Phases, typename Row>
inline void for_window_rows(const PoolGeom& g, Phases* phases, int oh, Row&& row) {
  const int h0 = oh * g.SH - g.PH;
  const int h1 = std::min(h0 + g.KH, g.H);
  for (int ih = std::max(h0, 0); ih < h1; ++ih)
    for (int kw = 0; kw < g.KW; ++kw) row(g.column(phases, ih, kw), ih, kw);
}

// phases[r][k] = padded[k*SW + r] over the whole plane: the padded rows are a whole number of
// SW columns, so each phase is one long strided pass.
void split_phases(float* __restrict phases, const float* __restrict padded, std::size_t per_phase, int SW) {
  for (int r = 0; r < SW; ++r) {
    float* dst = phases + r * per_phase;
    for (std::size_t k = 0; k < per_phase; ++k) dst[k] = padded[k * SW + r];
  }
}

void merge_phases(float* __restrict padded, const float* __restrict phases, std::size_t per_phase, int SW) {
  for (int r = 0; r < SW; ++r) {
    const float* src = phases + r * per_phase;
    for (std::size_t k = 0; k < per_phase; ++k) padded[k * SW + r] = src[k];
  }
}

// Loads plane x into the padded copy (whose padding the caller filled) and returns its phases.
const float* load_plane(float* buf, const float* x, const PoolGeom& g) {
  for (int ih = 0; ih < g.H; ++ih) std::memcpy(buf + static_cast<std::size_t>(ih) * g.Wpad + g.PW, x + ih * g.W, sizeof(float) * g.W);
  if (g.SW == 1) return buf;
  float* phases = buf + g.plane_size();
  split_phases(phases, buf, static_cast<std::size_t>(g.H) * g.phase_len, g.SW);
  return phases;
}

// Fills the whole padded copy with `pad` (the plane's cells are overwritten per plane).
void fill_padding(float* buf, const PoolGeom& g, float pad) { std::fill(buf, buf + g.plane_size(), pad); }

// PyTorch's max-pooling step, "if (val > max || isnan(val))", as selects over a row of
// outputs: candidate v[i] against the running maximum m[i], recording index base + i * step.
// The count is in 16-lane blocks, so the compiler sees a whole number of vectors.
void scan_max_row(float* __restrict m, std::int32_t* __restrict mi, const float* __restrict v, int base, int step,
                  int blocks) {
  const int n = blocks * 16;
  for (int i = 0; i < n; ++i) {
    const float a = v[i];
    const bool take = (a > m[i]) | (a != a);
    m[i] = take ? a : m[i];
    mi[i] = take ? base + i * step : mi[i];
  }
}

void sum_row(float* __restrict acc, const float* __restrict v, int blocks) {
  const int n = blocks * 16;
  for (int i = 0; i < n; ++i) acc[i] += v[i];
}

void spread_row(float* __restrict v, const float* __restrict g, int blocks) {
  const int n = blocks * 16;
  for (int i = 0; i < n; ++i) v[i] += g[i];
}

// PyTorch's cpu_max_pool for one plane: padding never wins (it is -inf), and the index starts
// at the window's first real pixel, as there. m, mi: `lanes` scratch outputs.
void maxpool_plane(float* __restrict y, std::int32_t* __restrict idx, const float* __restrict x, float* __restrict buf,
                   float* __restrict m, std::int32_t* __restrict mi, const PoolGeom& g) {
  const float ninf = -std::numeric_limits<float>::infinity();
  const int n = g.lanes;
  const float* phases = load_plane(buf, x, g);
  for (int oh = 0; oh < g.OH; ++oh) {
    const int h0 = oh * g.SH - g.PH;
    const int hc = std::max(h0, 0);
    for (int ow = 0; ow < n; ++ow) {
      m[ow] = ninf;
      mi[ow] = hc * g.W + std::max(ow * g.SW - g.PW, 0);
    }
    for_window_rows(g, phases, oh, [&](const float* v, int ih, int kw) { scan_max_row(m, mi, v, ih * g.W - g.PW + kw, g.SW, n / 16); });
    std::memcpy(y + oh * g.OW, m, sizeof(float) * g.OW);
    std::memcpy(idx + oh * g.OW, mi, sizeof(std::int32_t) * g.OW);
  }
}

std::int32_t* int_scratch(std::size_t n) {
  thread_local std::vector<std::int32_t> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

// Average-pooling divisors, PyTorch's (AvgWindow) but separable: the window's height factor
// depends on oh only and its width factor on ow only, whether or not padding counts.
struct AvgFactors {
  std::vector<float> row, col;  // factor per oh, per ow (0 marks an empty clipped window)
  AvgFactors(const PoolGeom& g, bool include_pad) : row(g.OH), col(std::max(g.lanes, g.OW), 1.0f) {
    for (int oh = 0; oh < g.OH; ++oh) row[oh] = factor(oh, g.SH, g.PH, g.KH, g.H, include_pad);
    for (int ow = 0; ow < g.OW; ++ow) col[ow] = factor(ow, g.SW, g.PW, g.KW, g.W, include_pad);
  }
  static float factor(int o, int s, int p, int k, int in, bool include_pad) {
    // 64-bit: o * s and a + k stay below 2^31 for windows that fit, but not by much.
    const long long a = static_cast<long long>(o) * s - p, b = std::min(a + k, static_cast<long long>(in) + p);
    const long long ac = std::max(a, 0LL), bc = std::min(b, static_cast<long long>(in));
    if (bc <= ac) return 0.0f;
    return static_cast<float>(include_pad ? b - a : bc - ac);
  }
};

// The direct loops, PyTorch's cpu_max_pool / cpu_avg_pool as written: per output, its window
// clipped to the input. For the padding-dominated windows PoolGeom::direct marks; no scratch.
// The window walk they share: window(oh, ow, hs, he, ws, we) per output in order, with the
// window's rows [hs, he) and columns [ws, we) clipped to the input (64-bit bounds: the
// padding here can be near 2^31).
template <typename Window>
inline void for_each_window_direct(const PoolGeom& g, Window&& window) {
  for (int oh = 0; oh < g.OH; ++oh) {
    const long long h0 = static_cast<long long>(oh) * g.SH - g.PH;
    const int hs = static_cast<int>(std::max(h0, 0LL)), he = static_cast<int>(std::min(h0 + g.KH, static_cast<long long>(g.H)));
    for (int ow = 0; ow < g.OW; ++ow) {
      const long long w0 = static_cast<long long>(ow) * g.SW - g.PW;
      const int ws = static_cast<int>(std::max(w0, 0LL)), we = static_cast<int>(std::min(w0 + g.KW, static_cast<long long>(g.W)));
      window(oh, ow, hs, he, ws, we);
    }
  }
}

void maxpool_plane_direct(float* y, std::int32_t* idx, const float* x, const PoolGeom& g) {
  for_each_window_direct(g, [&](int oh, int ow, int hs, int he, int ws, int we) {
    float m = -std::numeric_limits<float>::infinity();
    std::int32_t mi = hs * g.W + ws;
    for (int ih = hs; ih < he; ++ih)
      for (int iw = ws; iw < we; ++iw) {
        const float v = x[ih * g.W + iw];
        if (v > m || v != v) m = v, mi = ih * g.W + iw;
      }
    y[oh * g.OW + ow] = m;
    idx[oh * g.OW + ow] = mi;
  });
}

// Average pooling, forward (dy null) or backward (accumulates dy / divisor into dx).
void avgpool_plane_direct(float* y, const float* x, float* dx, const float* dy, const PoolGeom& g, const std::vector<float>& row,
                          const std::vector<float>& col) {
  for_each_window_direct(g, [&](int oh, int ow, int hs, int he, int ws, int we) {
    const float d = row[oh] * col[ow];
    if (dy) {
      const float gv = d == 0.0f ? 0.0f : dy[oh * g.OW + ow] / d;
      for (int ih = hs; ih < he; ++ih)
        for (int iw = ws; iw < we; ++iw) dx[ih * g.W + iw] += gv;
    } else {
      float sum = 0.0f;
      for (int ih = hs; ih < he; ++ih)
        for (int iw = ws; iw < we; ++iw) sum += x[ih * g.W + iw];
      y[oh * g.OW + ow] = d == 0.0f ? 0.0f : sum / d;
    }
  });
}

}  // namespace

void maxpool2d_forward(float* out, std::int32_t* argmax, const float* inp, int P, int H, int W, int KH, int KW, int SH,
                       int SW, int PH, int PW) {
  if (P == 0) return;  // no planes: nor may per-column tables be sized by a W no buffer backs
  const int OH = out_size(H, KH, SH, PH), OW = out_size(W, KW, SW, PW);
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  const bool two_by_two = KH == 2 && KW == 2 && SH == 2 && SW == 2 && PH == 0 && PW == 0;
  const PoolGeom g(H, W, KH, KW, SH, SW, PH, PW, OH, OW);
  if (g.direct) {
    for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
      for (std::size_t p = p0; p < p1; ++p) maxpool_plane_direct(out + p * out_plane, argmax + p * out_plane, inp + p * in_plane, g);
    });
    return;
  }
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    float* buf = nullptr;
    std::int32_t* mi = nullptr;
    if (!two_by_two) {
      buf = scratch(g.scratch_size() + g.lanes);
      mi = int_scratch(static_cast<std::size_t>(g.lanes));
      fill_padding(buf, g, -std::numeric_limits<float>::infinity());
    }
    for (std::size_t p = p0; p < p1; ++p) {
      if (two_by_two)
        maxpool_plane_2x2(out + p * out_plane, argmax + p * out_plane, inp + p * in_plane, W, OH, OW);
      else
        maxpool_plane(out + p * out_plane, argmax + p * out_plane, inp + p * in_plane, buf, buf + g.scratch_size(), mi, g);
    }
  });
}

void maxpool2d_backward(float* dinp, const float* dout, const std::int32_t* argmax, int P, int H, int W, int OH,
                        int OW) {
  if (P == 0) return;  // no planes: nor may per-column tables be sized by a W no buffer backs
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
  if (P == 0) return;  // no planes: nor may per-column tables be sized by a W no buffer backs
  const int OH = out_size(H, KH, SH, PH), OW = out_size(W, KW, SW, PW);
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  const PoolGeom g(H, W, KH, KW, SH, SW, PH, PW, OH, OW);
  const AvgFactors f(g, count_include_pad);
  if (g.direct) {
    for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
      for (std::size_t p = p0; p < p1; ++p) avgpool_plane_direct(out + p * out_plane, inp + p * in_plane, nullptr, nullptr, g, f.row, f.col);
    });
    return;
  }
  const int n = g.lanes;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    float* buf = scratch(g.scratch_size() + n);
    float* acc = buf + g.scratch_size();
    fill_padding(buf, g, 0.0f);  // padding adds nothing to a sum
    for (std::size_t p = p0; p < p1; ++p) {
      const float* phases = load_plane(buf, inp + p * in_plane, g);
      float* y = out + p * out_plane;
      for (int oh = 0; oh < OH; ++oh) {
        std::fill(acc, acc + n, 0.0f);
        // Rows in PyTorch's order, and within each the window's columns in order: the same sums.
        for_window_rows(g, phases, oh, [&](const float* v, int, int) { sum_row(acc, v, n / 16); });
        const float rf = f.row[oh];
        float* yr = y + oh * OW;
        for (int ow = 0; ow < OW; ++ow) {
          const float d = rf * f.col[ow];
          yr[ow] = d == 0.0f ? 0.0f : acc[ow] / d;
        }
      }
    }
  });
}

void avgpool2d_backward(float* dinp, const float* dout, int P, int H, int W, int KH, int KW, int SH, int SW, int PH,
                        int PW, bool count_include_pad) {
  if (P == 0) return;  // no planes: nor may per-column tables be sized by a W no buffer backs
  const int OH = out_size(H, KH, SH, PH), OW = out_size(W, KW, SW, PW);
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  const PoolGeom g(H, W, KH, KW, SH, SW, PH, PW, OH, OW);
  const AvgFactors f(g, count_include_pad);
  if (g.direct) {
    for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
      for (std::size_t p = p0; p < p1; ++p) avgpool_plane_direct(nullptr, nullptr, dinp + p * in_plane, dout + p * out_plane, g, f.row, f.col);
    });
    return;
  }
  const int n = g.lanes;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    // The plane's gradient is spread into phases (the padding's share is dropped when they are
    // merged back); gs holds a row's scaled gradients, zero in the lanes past OW.
    float* buf = scratch(g.scratch_size() + n);
    float* gs = buf + g.scratch_size();
    float* phases = g.SW == 1 ? buf : buf + g.plane_size();
    std::fill(gs, gs + n, 0.0f);
    for (std::size_t p = p0; p < p1; ++p) {
      float* dx = dinp + p * in_plane;
      const float* dy = dout + p * out_plane;
      std::fill(phases, phases + g.plane_size(), 0.0f);
      for (int oh = 0; oh < OH; ++oh) {
        const float rf = f.row[oh];
        for (int ow = 0; ow < OW; ++ow) {
          const float d = rf * f.col[ow];
          gs[ow] = d == 0.0f ? 0.0f : dy[oh * OW + ow] / d;
        }
        for_window_rows(g, phases, oh, [&](float* v, int, int) { spread_row(v, gs, n / 16); });
      }
      if (g.SW != 1) merge_phases(buf, phases, static_cast<std::size_t>(H) * g.phase_len, g.SW);
      for (int ih = 0; ih < H; ++ih) {
        const float* src = buf + static_cast<std::size_t>(ih) * g.Wpad + PW;
        float* d = dx + ih * W;
        for (int iw = 0; iw < W; ++iw) d[iw] += src[iw];
      }
    }
  });
}

namespace {

// PyTorch's adaptive window bounds per output index, computed once per call (each is a 64-bit
// division, which per output cost more than the sums themselves).
struct AdaptiveBounds {
  std::vector<int> h0, h1, w0, w1;
  AdaptiveBounds(int H, int W, int OH, int OW) : h0(OH), h1(OH), w0(OW), w1(OW) {
    for (int i = 0; i < OH; ++i) h0[i] = start_index(i, OH, H), h1[i] = end_index(i, OH, H);
    for (int i = 0; i < OW; ++i) w0[i] = start_index(i, OW, W), w1[i] = end_index(i, OW, W);
  }
};

}  // namespace

void adaptive_avgpool2d_forward(float* out, const float* inp, int P, int H, int W, int OH, int OW) {
  if (P == 0) return;  // no planes: nor may per-column tables be sized by a W no buffer backs
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  if (OH == 1 && OW == 1) {
    // Global average pooling: one vectorised reduction per plane (Eigen sums in several
    // lanes, so the rounding differs from a sequential sum by a few ulps).
    for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
      for (std::size_t p = p0; p < p1; ++p)
        out[p] = Eigen::Map<const Eigen::VectorXf>(inp + p * in_plane, in_plane).sum() / static_cast<float>(in_plane);
    });
    return;
  }
  // Sizes that divide give fixed windows: average pooling with kernel = stride = H/OH, W/OW,
  // whose vectorised rows sum in the same order.
  if (H % OH == 0 && W % OW == 0)
    return avgpool2d_forward(out, inp, P, H, W, H / OH, W / OW, H / OH, W / OW, 0, 0, true);
  const AdaptiveBounds b(H, W, OH, OW);
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      const float* x = inp + p * in_plane;
      float* y = out + p * out_plane;
      for (int oh = 0; oh < OH; ++oh) {
        for (int ow = 0; ow < OW; ++ow) {
          float s = 0.0f;
          for (int ih = b.h0[oh]; ih < b.h1[oh]; ++ih)
            for (int iw = b.w0[ow]; iw < b.w1[ow]; ++iw) s += x[ih * W + iw];
          y[oh * OW + ow] = s / static_cast<float>((b.h1[oh] - b.h0[oh]) * (b.w1[ow] - b.w0[ow]));
        }
      }
    }
  });
}

void adaptive_avgpool2d_backward(float* dinp, const float* dout, int P, int H, int W, int OH, int OW) {
  if (P == 0) return;  // no planes: nor may per-column tables be sized by a W no buffer backs
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  if (OH == 1 && OW == 1) {
    for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
      for (std::size_t p = p0; p < p1; ++p)
        Eigen::Map<Eigen::VectorXf>(dinp + p * in_plane, in_plane).array() += dout[p] / static_cast<float>(in_plane);
    });
    return;
  }
  if (H % OH == 0 && W % OW == 0)
    return avgpool2d_backward(dinp, dout, P, H, W, H / OH, W / OW, H / OH, W / OW, 0, 0, true);
  const AdaptiveBounds b(H, W, OH, OW);
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      float* dx = dinp + p * in_plane;
      const float* dy = dout + p * out_plane;
      for (int oh = 0; oh < OH; ++oh) {
        for (int ow = 0; ow < OW; ++ow) {
          const float g = dy[oh * OW + ow] / static_cast<float>((b.h1[oh] - b.h0[oh]) * (b.w1[ow] - b.w0[ow]));
          for (int ih = b.h0[oh]; ih < b.h1[oh]; ++ih)
            for (int iw = b.w0[ow]; iw < b.w1[ow]; ++iw) dx[ih * W + iw] += g;
        }
      }
    }
  });
}

}  // namespace kiln
