// Conv2d as im2col + GEMM (Chellapilla, Puri & Simard 2006, "High Performance Convolutional
// Neural Networks for Document Processing"), parallel over the batch.
//
// Why this algorithm: per sample, im2col lays the receptive fields out as a (C*KH*KW, OH*OW)
// matrix `cols`, and the convolution becomes one GEMM, out_n (OC, OH*OW) = W (OC, C*KH*KW) @
// cols, which runs near the machine's peak in Eigen's packed micro-kernel; a direct loop nest
// cannot reuse registers as well without hand-written SIMD per kernel shape.
//
// Why per sample and parallel over the batch, rather than one big GEMM over the whole batch:
// - one big GEMM needs cols for every sample at once (N times larger: 14 MB for 64 samples of
//   a 32->64 channel 3x3 conv on 14x14), which falls out of cache between im2col and GEMM, and
//   its result comes out as (OC, N*OH*OW), which needs a transpose into NCHW;
// - per sample, cols (225 KB in that example) stays in L2 from im2col to GEMM, the result lands
//   in NCHW directly, and each thread owns whole samples, so threads never synchronise inside a
//   call: each does its own im2col + single-threaded GEMM. Backward gives each thread its own
//   partial dweight, summed once at the end.
// When there are fewer samples than threads (inference on one image), the samples run one after
// another and the GEMM itself is threaded instead.
//
// 1x1 convolutions with stride 1 and no padding skip im2col: the input plane already is cols.
// 3x3 stride-1 convolutions with enough channels go to Winograd F(2x2, 3x3) (winograd.cc),
// which needs 2.25x fewer multiplies.
//
// Backward (per sample, dout_n: (OC, OH*OW)):
//   dweight += dout_n @ cols^T                 (cols recomputed by im2col: cheaper than keeping
//                                               N copies of cols alive between the passes)
//   dinp_n  += col2im(W^T @ dout_n)            (col2im sums each column back onto the pixel it
//                                               was copied from)
//   dbias   += sum over OH*OW of dout_n
#include "conv2d.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "../parallel.h"
#include "gemm.h"
#include "scratch.h"
#include "winograd.h"

namespace kiln {
namespace {

struct Geometry {
  int C, H, W, KH, KW, SH, SW, PH, PW, OH, OW;
  // The output columns ow whose input column iw = ow*SW - PW + kw lies inside [0, W).
  void valid_cols(int kw, int* lo, int* hi) const {
    const int first = PW - kw;  // smallest ow*SW that lands inside
    *lo = first <= 0 ? 0 : std::min(OW, (first + SW - 1) / SW);
    const int last = W - 1 + PW - kw;  // largest ow*SW that lands inside
    *hi = last < 0 ? 0 : std::min(OW, last / SW + 1);
    if (*hi < *lo) *hi = *lo;
  }
};

// Stride 1 with OW == W ("same" width, 2 PW = KW - 1, the usual 3x3 pad 1 case): a row of
// cols is the input plane shifted by (kh - PH) * W + (kw - PW) in flat index, so the whole valid
// band of output rows is one long copy (or add), with only the edge columns, which the flat
// shift wraps onto the neighbouring input row, fixed up afterwards. On 14x14 maps this replaces
// 14 short copies per row of cols and cut im2col's time by ~3x.
struct FlatRow {
  std::ptrdiff_t shift;  // cols index j reads input index j + shift
  int oh_lo, oh_hi;      // output rows whose input row is inside the plane
  int lo, hi;            // output columns whose input column is inside the plane
  std::ptrdiff_t begin, end;  // the flat range [begin, end) of cols that reads inside the plane
};

FlatRow flat_row(const Geometry& g, int kh, int kw) {
  FlatRow f;
  f.shift = static_cast<std::ptrdiff_t>(kh - g.PH) * g.W + (kw - g.PW);
  f.oh_lo = std::min(g.OH, std::max(0, g.PH - kh));
  f.oh_hi = std::max(f.oh_lo, std::min(g.OH, g.H + g.PH - kh));
  g.valid_cols(kw, &f.lo, &f.hi);
  // No output row reads inside the plane (kh reaches only padding, as on a 1-row input with
  // padding 1): the range is empty, and must not start past the end of the row of cols.
  if (f.oh_hi <= f.oh_lo) {
    f.begin = f.end = 0;
    return f;
  }
  f.begin = static_cast<std::ptrdiff_t>(f.oh_lo) * g.OW + f.lo;
  f.end = static_cast<std::ptrdiff_t>(f.oh_hi - 1) * g.OW + f.hi;
  if (f.end < f.begin) f.end = f.begin;
  return f;
}

// PW < W: every kw then has a non-empty band of valid columns, which keeps the flat range
// [begin, end) + shift inside the plane (with PW >= W a kw may read only padding, and the
// flat range would start before the plane).
inline bool flat_layout(const Geometry& g) { return g.SH == 1 && g.SW == 1 && g.OW == g.W && g.PW < g.W; }

// cols[(c*KH + kh)*KW + kw, oh*OW + ow] = x[c, oh*SH - PH + kh, ow*SW - PW + kw], 0 in the padding.
void im2col(float* cols, const float* x, const Geometry& g) {
  const int OHW = g.OH * g.OW;
  const bool flat = flat_layout(g);
  for (int c = 0; c < g.C; ++c) {
    const float* plane = x + static_cast<std::size_t>(c) * g.H * g.W;
    for (int kh = 0; kh < g.KH; ++kh) {
      for (int kw = 0; kw < g.KW; ++kw) {
        float* row = cols + (static_cast<std::size_t>(c * g.KH + kh) * g.KW + kw) * OHW;
        if (flat) {
          const FlatRow f = flat_row(g, kh, kw);
          std::memset(row, 0, sizeof(float) * f.begin);
          // (An empty range forms no source pointer: the plane may be empty and null.)
          if (f.end > f.begin) std::memcpy(row + f.begin, plane + f.begin + f.shift, sizeof(float) * (f.end - f.begin));
          std::memset(row + f.end, 0, sizeof(float) * (OHW - f.end));
          for (int oh = f.oh_lo; oh < f.oh_hi; ++oh) {
            float* r = row + oh * g.OW;
            for (int ow = 0; ow < f.lo; ++ow) r[ow] = 0.0f;
            for (int ow = f.hi; ow < g.OW; ++ow) r[ow] = 0.0f;
          }
          continue;
        }
        int lo, hi;
        g.valid_cols(kw, &lo, &hi);
        for (int oh = 0; oh < g.OH; ++oh) {
          float* dst = row + oh * g.OW;
          const int ih = oh * g.SH - g.PH + kh;
          if (ih < 0 || ih >= g.H) {
            std::memset(dst, 0, sizeof(float) * g.OW);
            continue;
          }
          for (int ow = 0; ow < lo; ++ow) dst[ow] = 0.0f;
          // src is formed only when some column is valid: with none (W = 0, an empty and
          // possibly null input) its offset would be arithmetic on a null pointer.
          if (hi > lo) {
            const float* src = plane + ih * g.W - g.PW + kw;  // src[ow*SW] is x[c, ih, iw]
            if (g.SW == 1) {
              std::memcpy(dst + lo, src + lo, sizeof(float) * (hi - lo));
            } else {
              for (int ow = lo; ow < hi; ++ow) dst[ow] = src[ow * g.SW];
            }
          }
          for (int ow = hi; ow < g.OW; ++ow) dst[ow] = 0.0f;
        }
      }
    }
  }
}

// The adjoint of im2col: dx[c, ih, iw] += every cols entry that was copied from it. cols is
// scratch and may be overwritten (the flat path zeroes its edge columns, then adds in one run).
void col2im(float* dx, float* cols, const Geometry& g) {
  const int OHW = g.OH * g.OW;
  const bool flat = flat_layout(g);
  for (int c = 0; c < g.C; ++c) {
    float* plane = dx + static_cast<std::size_t>(c) * g.H * g.W;
    for (int kh = 0; kh < g.KH; ++kh) {
      for (int kw = 0; kw < g.KW; ++kw) {
        float* row = cols + (static_cast<std::size_t>(c * g.KH + kh) * g.KW + kw) * OHW;
        if (flat) {
          const FlatRow f = flat_row(g, kh, kw);
          for (int oh = f.oh_lo; oh < f.oh_hi; ++oh) {
            float* r = row + oh * g.OW;
            for (int ow = 0; ow < f.lo; ++ow) r[ow] = 0.0f;
            for (int ow = f.hi; ow < g.OW; ++ow) r[ow] = 0.0f;
          }
          if (f.end > f.begin) {
            float* dst = plane + f.shift;
            for (std::ptrdiff_t j = f.begin; j < f.end; ++j) dst[j] += row[j];
          }
          continue;
        }
        int lo, hi;
        g.valid_cols(kw, &lo, &hi);
        for (int oh = 0; oh < g.OH; ++oh) {
          const int ih = oh * g.SH - g.PH + kh;
          if (ih < 0 || ih >= g.H || hi <= lo) continue;  // no valid column: dst is never formed
          const float* src = row + oh * g.OW;
          float* dst = plane + ih * g.W - g.PW + kw;
          if (g.SW == 1) {
            for (int ow = lo; ow < hi; ++ow) dst[ow] += src[ow];
          } else {
            for (int ow = lo; ow < hi; ++ow) dst[ow * g.SW] += src[ow];
          }
        }
      }
    }
  }
}

// Splits [0, N) into `parts` contiguous runs; part t is [begin, end).
inline void split(int N, int parts, int t, int* begin, int* end) {
  *begin = static_cast<int>(static_cast<long long>(N) * t / parts);
  *end = static_cast<int>(static_cast<long long>(N) * (t + 1) / parts);
}

using Gemm = void (*)(float*, const float*, const float*, int, int, int, bool, bool, float);

}  // namespace

void conv2d_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int H, int W,
                    int OC, int KH, int KW, int SH, int SW, int PH, int PW) {
  const Geometry g{C, H, W, KH, KW, SH, SW, PH, PW, static_cast<int>(conv_out_size(H, KH, SH, PH)),
                   static_cast<int>(conv_out_size(W, KW, SW, PW))};
  const int OHW = g.OH * g.OW, CKK = C * KH * KW;
  if (N == 0 || OC == 0 || OHW == 0) return;
  if (winograd_applies(N, C, OC, KH, KW, SH, SW, g.OH, g.OW))
    return winograd_forward(out, inp, weight, bias, N, C, H, W, OC, PH, PW);
  const bool pointwise = KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0;
  const std::size_t in_size = static_cast<std::size_t>(C) * H * W, out_size = static_cast<std::size_t>(OC) * OHW;

  auto run = [&](int n0, int n1, Gemm gemm) {
    float* cols = pointwise ? nullptr : scratch(static_cast<std::size_t>(CKK) * OHW);
    for (int n = n0; n < n1; ++n) {
      const float* x = inp + n * in_size;
      float* y = out + n * out_size;
      if (!pointwise) im2col(cols, x, g);
      gemm(y, weight, pointwise ? x : cols, OC, OHW, CKK, false, false, 0.0f);
      if (bias != nullptr) {
        for (int oc = 0; oc < OC; ++oc) {
          float* row = y + static_cast<std::size_t>(oc) * OHW;
          const float b = bias[oc];
          for (int i = 0; i < OHW; ++i) row[i] += b;
        }
      }
    }
    trim_scratch();
  };

  const int T = std::min(get_num_threads(), N);
  if (T <= 1) return run(0, N, sgemm);
  parallel_for(static_cast<std::size_t>(T), 1, [&](std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) {
      int n0, n1;
      split(N, T, static_cast<int>(t), &n0, &n1);
      run(n0, n1, sgemm_serial);
    }
  });
}

void conv2d_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, int PH,
                     int PW) {
  const Geometry g{C, H, W, KH, KW, SH, SW, PH, PW, static_cast<int>(conv_out_size(H, KH, SH, PH)),
                   static_cast<int>(conv_out_size(W, KW, SW, PW))};
  const int OHW = g.OH * g.OW, CKK = C * KH * KW;
  if (N == 0 || OC == 0 || OHW == 0) return;
  const bool pointwise = KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0;
  const std::size_t in_size = static_cast<std::size_t>(C) * H * W, out_size = static_cast<std::size_t>(OC) * OHW;
  const std::size_t w_size = static_cast<std::size_t>(OC) * CKK;
  if (winograd_applies(N, C, OC, KH, KW, SH, SW, g.OH, g.OW)) {
    if (dinp != nullptr) winograd_backward_input(dinp, dout, weight, N, C, H, W, OC, PH, PW);
    if (dweight != nullptr) winograd_backward_weight(dweight, dout, inp, N, C, H, W, OC, PH, PW);
    if (dbias != nullptr) {
      // Each task owns whole output channels, so no partial sums are needed.
      parallel_for(static_cast<std::size_t>(OC), 8, [&](std::size_t o0, std::size_t o1) {
        for (std::size_t oc = o0; oc < o1; ++oc) {
          float s = 0.0f;
          for (int n = 0; n < N; ++n) {
            const float* row = dout + n * out_size + oc * OHW;
            for (int i = 0; i < OHW; ++i) s += row[i];
          }
          dbias[oc] += s;
        }
      });
    }
    return;
  }

  // dw and db are this run's accumulators: the caller's buffers, or a thread's partial sums.
  auto run = [&](int n0, int n1, float* dw, float* db, Gemm gemm) {
    float* cols = nullptr;
    if (!pointwise && (dweight != nullptr || dinp != nullptr)) cols = scratch(static_cast<std::size_t>(CKK) * OHW);
    for (int n = n0; n < n1; ++n) {
      const float* dy = dout + n * out_size;
      if (dw != nullptr) {
        const float* x = inp + n * in_size;
        if (!pointwise) im2col(cols, x, g);
        gemm(dw, dy, pointwise ? x : cols, OC, CKK, OHW, false, true, 1.0f);  // dW += dY cols^T
      }
      if (dinp != nullptr) {
        float* dx = dinp + n * in_size;
        if (pointwise) {
          gemm(dx, weight, dy, C, OHW, OC, true, false, 1.0f);  // dX += W^T dY
        } else {
          gemm(cols, weight, dy, CKK, OHW, OC, true, false, 0.0f);  // dcols = W^T dY (reuses cols)
          col2im(dx, cols, g);
        }
      }
      if (db != nullptr) {
        for (int oc = 0; oc < OC; ++oc) {
          const float* row = dy + static_cast<std::size_t>(oc) * OHW;
          float s = 0.0f;
          for (int i = 0; i < OHW; ++i) s += row[i];
          db[oc] += s;
        }
      }
    }
    trim_scratch();
  };

  const int T = std::min(get_num_threads(), N);
  if (T <= 1) return run(0, N, dweight, dbias, sgemm);
  // Thread 0 accumulates straight into the caller's buffers; the others into zeroed partials.
  std::vector<float> dw_part(dweight != nullptr ? (T - 1) * w_size : 0, 0.0f);
  std::vector<float> db_part(dbias != nullptr ? static_cast<std::size_t>(T - 1) * OC : 0, 0.0f);
  parallel_for(static_cast<std::size_t>(T), 1, [&](std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) {
      int n0, n1;
      split(N, T, static_cast<int>(t), &n0, &n1);
      float* dw = dweight == nullptr ? nullptr : t == 0 ? dweight : dw_part.data() + (t - 1) * w_size;
      float* db = dbias == nullptr ? nullptr : t == 0 ? dbias : db_part.data() + (t - 1) * OC;
      run(n0, n1, dw, db, sgemm_serial);
    }
  });
  for (int t = 1; t < T; ++t) {
    if (dweight != nullptr) {
      const float* p = dw_part.data() + (t - 1) * w_size;
      for (std::size_t i = 0; i < w_size; ++i) dweight[i] += p[i];
    }
    if (dbias != nullptr) {
      const float* p = db_part.data() + static_cast<std::size_t>(t - 1) * OC;
      for (int i = 0; i < OC; ++i) dbias[i] += p[i];
    }
  }
}

}  // namespace kiln
