// Layer normalisation (Ba, Kiros & Hinton 2016, "Layer Normalization"), as
// torch.nn.LayerNorm over the last dimensions, in the style of llm.c's layernorm_forward/backward:
//   y = (x - mean) / sqrt(var + eps) * weight + bias,   mean and biased var over each row.
//
// Sizes: N rows (every leading dimension flattened), D = prod(normalized_shape) per row.
//   out, inp, dout, dinp:          (N, D)
//   weight, bias, dweight, dbias:  (D), or nullptr (no affine / no bias; a null gradient is skipped)
//   mean, rstd:                    (N)  saved by the forward for the backward
#pragma once

namespace kiln {

// Saves mean and rstd = 1 / sqrt(var + eps) per row.
void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       int N, int D, float eps);

// Fused backward. dinp is written (=): each call gets a fresh buffer, and writing spares
// zeroing it and reading it back. dweight and dbias accumulate (+=), as every parameter
// gradient, so that shared parameters work. With xhat = (x - mean) * rstd, g = weight * dy:
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  dweight += sum_rows(dy * xhat),
//   dbias += sum_rows(dy).
void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int D);

}  // namespace kiln
