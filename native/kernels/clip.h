// Gradient-norm clipping helpers for torch.nn.utils.clip_grad_norm_ (Pascanu et al. 2013,
// "On the difficulty of training recurrent neural networks"): the total p-norm of all
// gradients is (sum over tensors of sum_i |g_i|^p)^(1/p), or max_i |g_i| for p = inf, and each
// gradient is scaled in place by max_norm / (total + 1e-6) when that is below 1.
//
// Sizes: n elements of one gradient tensor.   x: (n)
#pragma once

namespace kiln {

// sum_i |x_i|^p, accumulated in double (p = 2 and p = 1 take fast paths; p = 0 counts
// non-zeros, as torch.norm's p = 0).
double sum_abs_pow(const float* x, int n, double p);

// max_i |x_i| (0 for n = 0; NaN if any element is NaN, as torch's max).
float max_abs(const float* x, int n);

// x *= c in place.
void scale_inplace(float* x, int n, float c);

}  // namespace kiln
