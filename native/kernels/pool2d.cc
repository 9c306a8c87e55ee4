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

}  // namespace

void maxpool2d_forward(float* out, std::int32_t* argmax, const float* inp, int P, int H, int W, int KH, int KW, int SH,
                       int SW, int PH, int PW) {
  const int OH = out_size(H, KH, SH, PH), OW = out_size(W, KW, SW, PW);
  if (OH <= 0 || OW <= 0) return;
  const std::size_t in_plane = static_cast<std::size_t>(H) * W, out_plane = static_cast<std::size_t>(OH) * OW;
  for_planes(P, H, W, [&](std::size_t p0, std::size_t p1) {
    for (std::size_t p = p0; p < p1; ++p) {
      const float* x = inp + p * in_plane;
      float* y = out + p * out_plane;
      std::int32_t* idx = argmax + p * out_plane;
      if (KH == 2 && KW == 2 && SH == 2 && SW == 2 && PH == 0 && PW == 0) {
        // The common 2x2/2 case, unrolled: the scan order (r0c0, r0c1, r1c0, r1c1) and the
        // comparison are PyTorch's, so ties and NaN resolve the same way.
        for (int oh = 0; oh < OH; ++oh) {
          const float* r0 = x + 2 * oh * W;
          const float* r1 = r0 + W;
          for (int ow = 0; ow < OW; ++ow) {
            const int i = 2 * ow;
            float m = r0[i];
            int mi = i;
            if (r0[i + 1] > m || std::isnan(r0[i + 1])) m = r0[i + 1], mi = i + 1;
            if (r1[i] > m || std::isnan(r1[i])) m = r1[i], mi = W + i;
            if (r1[i + 1] > m || std::isnan(r1[i + 1])) m = r1[i + 1], mi = W + i + 1;
            // r0[i] > -inf, the first comparison in PyTorch's loop, fails only for -inf or NaN;
            // the index is then the window start either way, and NaN is kept by the checks above.
            y[oh * OW + ow] = m;
            idx[oh * OW + ow] = 2 * oh * W + mi;
          }
        }
        continue;
      }
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
          for (int ih = h0; ih < h1; ++ih) {
            for (int iw = w0; iw < w1; ++iw) {
              const float v = x[ih * W + iw];
              if (v > m || std::isnan(v)) {
                m = v;
                mi = ih * W + iw;
              }
            }
          }
          y[oh * OW + ow] = m;
          idx[oh * OW + ow] = mi;
        }
      }
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
