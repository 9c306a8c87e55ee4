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

// The update direction of the optimisers below starts from
//   g = maximize ? -grad : grad;   g = g + weight_decay * p   (weight_decay != 0)
// and every one keeps torch's order of float32 operations (addcmul's (value * a) * b,
// addcdiv's (value * a) / b, add_'s self + alpha * other).

// Adadelta (Zeiler 2012), torch.optim.Adadelta:
//   v = rho * v + (1 - rho) * g^2
//   delta = sqrt(u + eps) / sqrt(v + eps) * g
//   u = rho * u + (1 - rho) * delta^2
//   p = p - lr * delta
// square_avg (v), acc_delta (u): (n)
void adadelta_step(float* param, float* square_avg, float* acc_delta, const float* grad, int n, double lr,
                   double rho, double eps, double weight_decay, bool maximize);

// Adagrad (Duchi et al. 2011), torch.optim.Adagrad:
//   clr = lr / (1 + (step - 1) * lr_decay)
//   s = s + g^2
//   p = p - clr * g / (sqrt(s) + eps)
// sum (s): (n); step counts from 1 (the step being taken).
void adagrad_step(float* param, float* sum, const float* grad, int n, double step, double lr, double lr_decay,
                  double eps, double weight_decay, bool maximize);

// RMSprop (Hinton, Coursera lecture 6.5; centred form as Graves 2013), torch.optim.RMSprop:
//   v = alpha * v + (1 - alpha) * g^2
//   centred: a = alpha * a + (1 - alpha) * g;  avg = sqrt(v - a^2) + eps
//   otherwise:                                avg = sqrt(v) + eps
//   momentum > 0: b = momentum * b + g / avg;  p = p - lr * b
//   otherwise:    p = p - lr * g / avg
// square_avg (v): (n); grad_avg (a): (n) or null (not centred); momentum_buffer (b): (n) or null
// (momentum 0).
void rmsprop_step(float* param, float* square_avg, float* grad_avg, float* momentum_buffer, const float* grad,
                  int n, double lr, double alpha, double eps, double weight_decay, double momentum, bool maximize);

// Adamax (Kingma & Ba 2015, section 7), torch.optim.Adamax:
//   m = beta1 * m + (1 - beta1) * g
//   u = max(beta2 * u, |g| + eps)
//   p = p - lr / (1 - beta1^step) * m / u
// exp_avg (m), exp_inf (u): (n)
void adamax_step(float* param, float* exp_avg, float* exp_inf, const float* grad, int n, double step, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool maximize);

// NAdam (Dozat 2016), torch.optim.NAdam. The momentum schedule (mu_t, the product of the mu's)
// is a float32 scalar of the state that the caller advances; it passes the two coefficients:
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g^2
//   denom = sqrt(v / bias_correction2) + eps          bias_correction2 = 1 - beta2^step
//   p = p + grad_coef * g / denom                     grad_coef = -lr (1 - mu_t) / (1 - prod mu)
//   p = p + avg_coef * m / denom                      avg_coef = -lr mu_{t+1} / (1 - prod mu * mu_{t+1})
void nadam_step(float* param, float* exp_avg, float* exp_avg_sq, const float* grad, int n, double beta1,
                double beta2, double eps, double weight_decay, double bias_correction2, double grad_coef,
                double avg_coef);

// RAdam (Liu et al. 2020), torch.optim.RAdam:
//   m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g^2
//   rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 step beta2^step / (1 - beta2^step)
//   rho_t > 5: r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
//              p = p - m / (1 - beta1^step) * lr * sqrt(1 - beta2^step) / (sqrt(v) + eps) * r
//   otherwise: p = p - m / (1 - beta1^step) * lr
void radam_step(float* param, float* exp_avg, float* exp_avg_sq, const float* grad, int n, double step, double lr,
                double beta1, double beta2, double eps, double weight_decay);

}  // namespace kiln
