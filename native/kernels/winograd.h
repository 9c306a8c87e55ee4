// 3x3 stride-1 convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray 2016,
// "Fast Algorithms for Convolutional Neural Networks"), forward and backward. conv2d.cc calls
// these when winograd_applies(); the sizes and layouts are conv2d.h's:
//   out: (N, OC, OH, OW)   inp: (N, C, H, W)   weight: (OC, C, 3, 3)   bias: (OC) or nullptr
// with OH = H + 2 PH - 2, OW = W + 2 PW - 2. Gradients accumulate (+=).
#pragma once

namespace kiln {

// Whether the Winograd path is used: a 3x3 kernel with stride 1, enough channels on both sides
// for the transforms' channel-vector loops and the 16 GEMMs to pay off, and more than one
// sample unless single-threaded (the path parallelises over the batch).
bool winograd_applies(int N, int C, int OC, int KH, int KW, int SH, int SW, int OH, int OW);

void winograd_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int H, int W,
                      int OC, int PH, int PW);

// dinp += the gradient of out with respect to inp: itself a 3x3 stride-1 convolution of dout
// with the kernel flipped and its channel axes swapped, padded by (2 - PH, 2 - PW).
void winograd_backward_input(float* dinp, const float* dout, const float* weight, int N, int C, int H, int W, int OC,
                             int PH, int PW);

// dweight += the gradient of out with respect to weight (the exact adjoint of the forward's
// transforms: dU = sum over tiles of (A dY A^T) V^T, dW = G^T dU G).
void winograd_backward_weight(float* dweight, const float* dout, const float* inp, int N, int C, int H, int W, int OC,
                              int PH, int PW);

}  // namespace kiln
