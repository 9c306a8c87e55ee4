// Root-mean-square normalisation (Zhang & Sennrich 2019, "Root Mean Square Layer
// Normalization"), as torch.nn.RMSNorm over the last dimensions:
//   y = x / sqrt(mean(x^2) + eps) * weight
// No centring and no bias: one statistic per row.
//
// Sizes: N rows (every leading dimension flattened), D = prod(normalized_shape) per row.
//   out, inp, dout, dinp:  (N, D)
//   weight, dweight:       (D), or nullptr (elementwise_affine = false; a null gradient is skipped)
//   rstd:                  (N)  1 / sqrt(mean(x^2) + eps), saved by the forward for the backward
#pragma once

namespace kiln {

void rmsnorm_forward(float* out, float* rstd, const float* inp, const float* weight, int N, int D, float eps);

// Fused backward. dinp is written (=), as in layernorm_backward; dweight accumulates (+=). With xhat = x * rstd and g = weight * dy:
//   dx = rstd * (g - xhat * mean(g * xhat)),  dweight += sum_rows(dy * xhat).
void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, int N, int D);

}  // namespace kiln
