// Cross-entropy over class logits: a fused, numerically stable log-softmax + negative
// log-likelihood, with PyTorch's label smoothing (Szegedy et al. 2016, "Rethinking the
// Inception Architecture", section 7; torch.nn.functional.cross_entropy's formula):
//   lse      = log sum_c exp(x_c)                     (computed as m + log sum exp(x_c - m))
//   nll      = lse - x_t
//   smooth   = mean_c (lse - x_c) = lse - mean_c x_c  (the mean of -log p_c over classes)
//   loss     = (1 - eps) * nll + eps * smooth
//   dloss/dx_c = p_c - (1 - eps) * [c == t] - eps / C
//
// Sizes: N samples, C classes, D positions per sample (the product of any dimensions after
// the class dimension, 1 for (N, C) input). Row r = n * D + d reads x[n, c, d] at
// n*C*D + c*D + d, so (N, C) input is the contiguous case D = 1.
//   losses:  (N*D)        lse: (N*D)       logits: (N, C, D)
//   targets: (N*D), each in [0, C) or equal to ignore_index
// A row whose target equals ignore_index (PyTorch's ignore_index, -100 by default; it may name a
// class) is skipped: its loss is 0, its lse is not computed (left 0) and it gets no gradient.
// The caller counts the other rows for 'mean'.
#pragma once
#include <cstdint>

namespace kiln {

// Writes each row's loss and saves its log-sum-exp for the backward pass (one float per row
// instead of the N*C softmax: the backward recomputes p_c = exp(x_c - lse) in the same pass
// that writes the gradient).
void crossentropy_forward(float* losses, float* lse, const float* logits, const std::int32_t* targets, int N, int C,
                          int D, float label_smoothing, int ignore_index);

// dlogits += dloss[r * dloss_stride] * (softmax - smoothed one-hot), row by row. dloss_stride
// is 1 for per-row gradients (reduction 'none') and 0 for one gradient shared by every row
// ('sum'; 'mean' passes that gradient divided by the row count).
//   dlogits: (N, C, D)   dloss: (N*D), or (1) when dloss_stride is 0
void crossentropy_backward(float* dlogits, const float* dloss, int dloss_stride, const float* logits, const float* lse,
                           const std::int32_t* targets, int N, int C, int D, float label_smoothing, int ignore_index);

}  // namespace kiln
