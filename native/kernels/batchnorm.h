// Batch normalisation (Ioffe & Szegedy 2015, "Batch Normalization: Accelerating Deep Network
// Training by Reducing Internal Covariate Shift"), as torch.nn.BatchNorm1d/2d:
//   y = (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c
// with mean_c and the biased var_c taken over every element of channel c in training, and
// the running statistics in evaluation.
//
// Sizes: the input is viewed as (N, C, L): N batch, C channels, L positions per channel
// (L = 1 for (N, C) input, L = H * W for (N, C, H, W), L = length for (N, C, L)).
//   out, inp, dout, dinp:          (N, C, L)
//   weight, bias, dweight, dbias:  (C), or nullptr (affine = false; a null gradient is skipped)
//   mean, rstd:                    (C)  saved by the forward for the backward
//   running_mean, running_var:     (C), or nullptr (track_running_stats = false)
#pragma once

namespace kiln {

// Training forward: per-channel batch mean and biased variance in one pass over the data,
// saved as mean and rstd = 1 / sqrt(var + eps), then y = x * scale + shift. When the running
// statistics are given they are updated in the same pass, as PyTorch:
//   running_mean = (1 - momentum) * running_mean + momentum * mean
//   running_var  = (1 - momentum) * running_var  + momentum * var * n / (n - 1)   (unbiased)
// with n = N * L. A cumulative average (PyTorch's momentum=None) is momentum = 1 / batches.
// n = 0 leaves the running statistics untouched; n = 1 has no unbiased variance (NaN), which
// is why callers reject it, as PyTorch does.
void batchnorm_forward_train(float* out, float* mean, float* rstd, float* running_mean, float* running_var,
                             const float* inp, const float* weight, const float* bias, int N, int C, int L,
                             float momentum, float eps);

// Evaluation forward: normalises with the running statistics, and saves them as mean and
// rstd = 1 / sqrt(running_var + eps) so the backward has the constants the forward used.
void batchnorm_forward_eval(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                            const float* bias, const float* running_mean, const float* running_var, int N, int C,
                            int L, float eps);

// Backward, fused: dinp, dweight and dbias from one read of (dout, inp) for the sums and one
// for dinp. dinp is written (=): each call gets a fresh buffer, and writing spares zeroing
// 4 N C L bytes and reading them back. dweight and dbias accumulate (+=), as every parameter
// gradient, so that shared parameters work. batch_stats says whether mean and rstd were computed
// from this batch (training), in which case the gradient flows through them too:
//   dx = weight * rstd * (dy - mean(dy) - xhat * mean(dy * xhat)),  xhat = (x - mean) * rstd
// and otherwise (evaluation) dx = weight * rstd * dy.
//   dweight += sum(dy * xhat),  dbias += sum(dy)   over each channel's N * L elements.
void batchnorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int N, int C, int L,
                        bool batch_stats);

}  // namespace kiln
