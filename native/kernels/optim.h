// Fused optimiser updates: one call updates one parameter tensor and its state in one pass,
// with torch.optim's formulas (PyTorch 1.13, the single-tensor "for-loop" path) and its order
// of float32 operations, so trajectories agree to rounding.
//
// Sizes: n elements of one parameter (any shape, flattened).
//   param, grad, momentum_buffer, exp_avg, exp_avg_sq, max_exp_avg_sq: (n)
// Hyperparameters arrive as doubles, as Python floats do in PyTorch: derived scalars such as
// 1 - beta1 and lr / (1 - beta1^step) are computed in double and rounded to float once.
#pragma once

namespace kiln {

// SGD with momentum (Polyak 1964; Nesterov form as Sutskever et al. 2013), torch.optim.SGD:
//   d = g + weight_decay * p
//   b = d                                          when init_buffer (the first step)
//   b = momentum * b + (1 - dampening) * d         otherwise
//   d = nesterov ? d + momentum * b : b
//   p = p - lr * d
// momentum_buffer is null when momentum is 0 (SGD then keeps no buffer).
void sgd_step(float* param, float* momentum_buffer, const float* grad, int n, double lr, double momentum,
              double dampening, double weight_decay, bool nesterov, bool init_buffer);

// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), torch.optim.Adam/AdamW:
//   p = p * (1 - lr * weight_decay)                if decoupled_decay (AdamW)
//   g = g + weight_decay * p                       otherwise (Adam's coupled L2)
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g^2
//   vmax = max(vmax, v)                            if amsgrad (Reddi et al. 2018)
//   p = p - lr / (1 - beta1^step) * m / (sqrt(v or vmax) / sqrt(1 - beta2^step) + eps)
// step counts from 1 (the step being taken). AMSGrad is on when max_exp_avg_sq is non-null.
void adam_step(float* param, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, const float* grad, int n,
               double step, double lr, double beta1, double beta2, double eps, double weight_decay,
               bool decoupled_decay);

}  // namespace kiln
