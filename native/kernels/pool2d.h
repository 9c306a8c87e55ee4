// 2-D pooling over NCHW planes: max, average and adaptive average (torch.nn.MaxPool2d,
// AvgPool2d, AdaptiveAvgPool2d).
//
// Sizes: P = N*C planes (pooling never mixes channels, so batch and channel fold into one),
// H x W input plane, KH x KW window, SH x SW stride, PH x PW implicit padding on each side,
// OH x OW output plane. For max and average pooling (PyTorch's ceil_mode=False)
//   OH = (H + 2 PH - KH) / SH + 1,  OW = (W + 2 PW - KW) / SW + 1   (floor division).
//   out, dout: (P, OH, OW)     inp, dinp: (P, H, W)
//   argmax:    (P, OH, OW) int32, the index ih*W + iw of each window's maximum in its plane
//              (PyTorch's return_indices layout)
// Backward passes accumulate (+=) into dinp.
#pragma once
#include <cstdint>

namespace kiln {

// out = max over the window (padding counts as -inf); argmax saves where it was for the
// backward. Ties go to the first maximum in row-major window order and NaN propagates, as
// PyTorch's CPU kernel ("val > max || isnan(val)").
void maxpool2d_forward(float* out, std::int32_t* argmax, const float* inp, int P, int H, int W, int KH, int KW, int SH,
                       int SW, int PH, int PW);

// dinp[p, argmax[p, o]] += dout[p, o]: the gradient goes to the maximum only.
void maxpool2d_backward(float* dinp, const float* dout, const std::int32_t* argmax, int P, int H, int W, int OH,
                        int OW);

// out = sum over the window / divisor. With count_include_pad the divisor is the window's area
// clipped to the padded plane (KH*KW in floor mode), else the number of real pixels in it.
void avgpool2d_forward(float* out, const float* inp, int P, int H, int W, int KH, int KW, int SH, int SW, int PH,
                       int PW, bool count_include_pad);

// dinp[window] += dout / divisor, the adjoint of the forward.
void avgpool2d_backward(float* dinp, const float* dout, int P, int H, int W, int KH, int KW, int SH, int SW, int PH,
                        int PW, bool count_include_pad);

// Adaptive average pooling: output cell (i, j) averages rows [floor(i*H/OH), ceil((i+1)*H/OH))
// and columns [floor(j*W/OW), ceil((j+1)*W/OW)), PyTorch's start/end index formulas.
void adaptive_avgpool2d_forward(float* out, const float* inp, int P, int H, int W, int OH, int OW);
void adaptive_avgpool2d_backward(float* dinp, const float* dout, int P, int H, int W, int OH, int OW);

}  // namespace kiln
