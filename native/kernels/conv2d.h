// 2-D convolution (cross-correlation, as torch.nn.Conv2d), NCHW layout.
//
// Sizes: N batch, C input channels, H x W input plane, OC output channels, KH x KW kernel,
// SH x SW stride, PH x PW zero padding on each side, OH x OW output plane with
//   OH = (H + 2 PH - KH) / SH + 1,  OW = (W + 2 PW - KW) / SW + 1   (floor division).
//   out:    (N, OC, OH, OW)    inp:  (N, C, H, W)
//   weight: (OC, C, KH, KW)    bias: (OC), or nullptr for no bias
//
//   out[n, oc, oh, ow] = bias[oc] + sum_{c, kh, kw} weight[oc, c, kh, kw] *
//                        inp[n, c, oh*SH - PH + kh, ow*SW - PW + kw]   (zero outside the plane)
#pragma once

namespace kiln {

// The output length along one dimension; < 1 means the kernel does not fit (callers check).
inline long long conv_out_size(long long in, long long k, long long s, long long p) {
  return (in + 2 * p - k) >= 0 ? (in + 2 * p - k) / s + 1 : 0;
}

void conv2d_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int H, int W,
                    int OC, int KH, int KW, int SH, int SW, int PH, int PW);

// Gradients accumulate (+=) so that shared weights work; a null output is skipped.
//   dinp: (N, C, H, W)   dweight: (OC, C, KH, KW)   dbias: (OC)   dout: (N, OC, OH, OW)
// inp is needed only for dweight, weight only for dinp (either may be null otherwise).
void conv2d_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int N, int C, int H, int W, int OC, int KH, int KW, int SH, int SW, int PH,
                     int PW);

}  // namespace kiln
