#include "optim.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>

#include "../parallel.h"

namespace kiln {

namespace {

// Elements per thread chunk: an update is a few flops per element, so only large tensors
// are worth splitting.
constexpr std::size_t kGrain = std::size_t(1) << 16;

// Adam works through each thread's range in blocks that stay in L1 (5 arrays x 512 floats =
// 10 KB): each Eigen statement below is one vectorised loop over the block, so the moments
// are read from cache, not memory, by the statements after the first.
constexpr std::size_t kBlock = 512;

using Arr = Eigen::Map<Eigen::ArrayXf>;
using CArr = Eigen::Map<const Eigen::ArrayXf>;
// Scratch of one block: aligned, so that Eigen's vector/scalar split of a loop writing it (and
// with it the bits of a square root, see adam_range) depends on the block's length alone.
using Scratch = Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64>;

// Shares whole blocks of [0, n) among threads, as adam_step, and calls fn(begin, length) for
// each block in turn.
template <typename F>
void for_blocks(int n, F fn) {
  const std::size_t N = static_cast<std::size_t>(n), blocks = (N + kBlock - 1) / kBlock;
  parallel_for(blocks, kGrain / kBlock, [&](std::size_t b0, std::size_t b1) {
    const std::size_t end = std::min(N, b1 * kBlock);
    for (std::size_t b = b0 * kBlock; b < end; b += kBlock) fn(b, static_cast<Eigen::Index>(std::min(kBlock, end - b)));
  });
}

// The update direction of one block: the gradient itself, or, with maximize or weight decay,
// g = (maximize ? -grad : grad) + weight_decay * p written to scratch (torch's grad.add(param,
// alpha=weight_decay) after the sign).
struct Direction {
  bool maximize, decay;
  float weight_decay;
  Direction(bool max, double wd) : maximize(max), decay(wd != 0.0), weight_decay(static_cast<float>(wd)) {}
  const float* operator()(const float* grad, const float* param, std::size_t b, Eigen::Index len, float* scratch) const {
    if (!maximize && !decay) return grad + b;
    CArr g(grad + b, len), p(param + b, len);
    Scratch out(scratch, len);
    if (maximize) out = -g;
    else out = g;
    if (decay) out = out + weight_decay * p;
    return scratch;
  }
};

template <bool WD, bool MOMENTUM, bool INIT, bool NESTEROV>
void sgd_range(float* p, float* b, const float* g, std::size_t begin, std::size_t end, float nlr, float wd, float mom,
               float keep) {
  // A plain loop: no sqrt or division, so the compiler vectorises it whole.
  for (std::size_t i = begin; i < end; i++) {
    float d = g[i];
    if (WD) d = d + wd * p[i];
    if (MOMENTUM) {
      const float buf = INIT ? d : b[i] * mom + keep * d;
      b[i] = buf;
      d = NESTEROV ? d + mom * buf : buf;
    }
    p[i] = p[i] + nlr * d;
  }
}

using SgdFn = void (*)(float*, float*, const float*, std::size_t, std::size_t, float, float, float, float);

template <bool WD, bool MOMENTUM, bool INIT>
SgdFn pick_sgd(bool nesterov) {
  return nesterov ? sgd_range<WD, MOMENTUM, INIT, true> : sgd_range<WD, MOMENTUM, INIT, false>;
}

template <bool WD, bool MOMENTUM>
SgdFn pick_sgd(bool init, bool nesterov) {
  return init ? pick_sgd<WD, MOMENTUM, true>(nesterov) : pick_sgd<WD, MOMENTUM, false>(nesterov);
}

struct AdamScalars {
  float beta1, one_minus_beta1, beta2, one_minus_beta2;
  float neg_step_size;  // -lr / (1 - beta1^step)
  float bc2_sqrt;       // sqrt(1 - beta2^step)
  float eps, weight_decay;
  float decay;          // 1 - lr * weight_decay, AdamW's multiplier
};

template <bool AMSGRAD, bool DECOUPLED, bool WD>
void adam_range(float* param, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, const float* grad,
                std::size_t begin, std::size_t end, const AdamScalars& s) {
  using Arr = Eigen::Map<Eigen::ArrayXf>;
  for (std::size_t b = begin; b < end; b += kBlock) {
    const Eigen::Index len = static_cast<Eigen::Index>(std::min(kBlock, end - b));
    Arr p(param + b, len), m(exp_avg + b, len), v(exp_avg_sq + b, len);
    Eigen::Map<const Eigen::ArrayXf> g0(grad + b, len);
    // Operation order follows torch: mul_ then add_(alpha) for the moments, addcmul's
    // value * g * g, addcdiv's (value * m) / denom.
    if (DECOUPLED && WD) p = p * s.decay;
    if (!DECOUPLED && WD) {
      const auto g = g0 + s.weight_decay * p;  // lazy: evaluated inside the next two loops
      m = m * s.beta1 + s.one_minus_beta1 * g;
      v = v * s.beta2 + (s.one_minus_beta2 * g) * g;
    } else {
      m = m * s.beta1 + s.one_minus_beta1 * g0;
      v = v * s.beta2 + (s.one_minus_beta2 * g0) * g0;
    }
    // The square root goes through aligned scratch. Eigen's vector sqrt (EIGEN_FAST_MATH: an
    // rsqrt estimate and a Newton step) and its scalar std::sqrt differ in the last bit, and
    // writing to an unaligned Map Eigen takes the scalar one for the elements before the first
    // aligned address, so the update's bits would depend on where the buffers lie. In scratch
    // the split is fixed by the block's length alone (and blocks start at multiples of kBlock).
    alignas(64) float root[kBlock];
    Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64> r(root, len);
    if (AMSGRAD) {
      Arr vmax(max_exp_avg_sq + b, len);
      vmax = vmax.max(v);
      r = vmax.sqrt();
    } else {
      r = v.sqrt();
    }
    p = p + (s.neg_step_size * m) / (r / s.bc2_sqrt + s.eps);
  }
}

using AdamFn = void (*)(float*, float*, float*, float*, const float*, std::size_t, std::size_t, const AdamScalars&);

template <bool AMSGRAD>
AdamFn pick_adam(bool decoupled, bool wd) {
  if (decoupled) return wd ? adam_range<AMSGRAD, true, true> : adam_range<AMSGRAD, true, false>;
  return wd ? adam_range<AMSGRAD, false, true> : adam_range<AMSGRAD, false, false>;
}

}  // namespace

void sgd_step(float* param, float* momentum_buffer, const float* grad, int n, double lr, double momentum,
              double dampening, double weight_decay, bool nesterov, bool init_buffer) {
  const bool wd = weight_decay != 0.0, mom = momentum_buffer != nullptr;
  SgdFn fn = wd ? (mom ? pick_sgd<true, true>(init_buffer, nesterov) : pick_sgd<true, false>(false, false))
                : (mom ? pick_sgd<false, true>(init_buffer, nesterov) : pick_sgd<false, false>(false, false));
  const float nlr = static_cast<float>(-lr), wdf = static_cast<float>(weight_decay);
  const float momf = static_cast<float>(momentum), keep = static_cast<float>(1.0 - dampening);
  parallel_for(static_cast<std::size_t>(n), kGrain, [&](std::size_t begin, std::size_t end) {
    fn(param, momentum_buffer, grad, begin, end, nlr, wdf, momf, keep);
  });
}

void adam_step(float* param, float* exp_avg, float* exp_avg_sq, float* max_exp_avg_sq, const float* grad, int n,
               double step, double lr, double beta1, double beta2, double eps, double weight_decay,
               bool decoupled_decay) {
  AdamScalars s;
  s.beta1 = static_cast<float>(beta1);
  s.one_minus_beta1 = static_cast<float>(1.0 - beta1);
  s.beta2 = static_cast<float>(beta2);
  s.one_minus_beta2 = static_cast<float>(1.0 - beta2);
  // Bias corrections in double, as torch computes them in Python.
  s.neg_step_size = static_cast<float>(-(lr / (1.0 - std::pow(beta1, step))));
  s.bc2_sqrt = static_cast<float>(std::sqrt(1.0 - std::pow(beta2, step)));
  s.eps = static_cast<float>(eps);
  s.weight_decay = static_cast<float>(weight_decay);
  s.decay = static_cast<float>(1.0 - lr * weight_decay);
  const bool wd = weight_decay != 0.0;
  AdamFn fn = max_exp_avg_sq != nullptr ? pick_adam<true>(decoupled_decay, wd) : pick_adam<false>(decoupled_decay, wd);
  // Whole blocks are shared out, so that every block starts at the same index for any thread
  // count and the update of each element is the same computation (see adam_range).
  const std::size_t N = static_cast<std::size_t>(n), blocks = (N + kBlock - 1) / kBlock;
  parallel_for(blocks, kGrain / kBlock, [&](std::size_t b0, std::size_t b1) {
    fn(param, exp_avg, exp_avg_sq, max_exp_avg_sq, grad, b0 * kBlock, std::min(N, b1 * kBlock), s);
  });
}

void adadelta_step(float* param, float* square_avg, float* acc_delta, const float* grad, int n, double lr,
                   double rho, double eps, double weight_decay, bool maximize) {
  const Direction dir(maximize, weight_decay);
  const float rhof = static_cast<float>(rho), keep = static_cast<float>(1.0 - rho);
  const float epsf = static_cast<float>(eps), nlr = static_cast<float>(-lr);
  for_blocks(n, [&](std::size_t b, Eigen::Index len) {
    alignas(64) float gbuf[kBlock], sbuf[kBlock], dbuf[kBlock];
    CArr g(dir(grad, param, b, len, gbuf), len);
    Arr p(param + b, len), v(square_avg + b, len), u(acc_delta + b, len);
    Scratch std_(sbuf, len), delta(dbuf, len);
    v = v * rhof + (keep * g) * g;
    std_ = (v + epsf).sqrt();
    delta = (u + epsf).sqrt();
    delta = delta / std_ * g;
    u = u * rhof + (keep * delta) * delta;
    p = p + nlr * delta;
  });
}

void adagrad_step(float* param, float* sum, const float* grad, int n, double step, double lr, double lr_decay,
                  double eps, double weight_decay, bool maximize) {
  const Direction dir(maximize, weight_decay);
  const float nclr = static_cast<float>(-(lr / (1.0 + (step - 1.0) * lr_decay)));
  const float epsf = static_cast<float>(eps);
  for_blocks(n, [&](std::size_t b, Eigen::Index len) {
    alignas(64) float gbuf[kBlock], rbuf[kBlock];
    CArr g(dir(grad, param, b, len, gbuf), len);
    Arr p(param + b, len), s(sum + b, len);
    Scratch r(rbuf, len);
    s = s + g * g;
    r = s.sqrt();
    r = r + epsf;
    p = p + (nclr * g) / r;
  });
}

void rmsprop_step(float* param, float* square_avg, float* grad_avg, float* momentum_buffer, const float* grad,
                  int n, double lr, double alpha, double eps, double weight_decay, double momentum, bool maximize) {
  const Direction dir(maximize, weight_decay);
  const float alphaf = static_cast<float>(alpha), keep = static_cast<float>(1.0 - alpha);
  const float epsf = static_cast<float>(eps), nlr = static_cast<float>(-lr), mom = static_cast<float>(momentum);
  for_blocks(n, [&](std::size_t b, Eigen::Index len) {
    alignas(64) float gbuf[kBlock], rbuf[kBlock];
    CArr g(dir(grad, param, b, len, gbuf), len);
    Arr p(param + b, len), v(square_avg + b, len);
    Scratch avg(rbuf, len);
    v = v * alphaf + (keep * g) * g;
    if (grad_avg != nullptr) {
      Arr a(grad_avg + b, len);
      a = a * alphaf + keep * g;
      avg = (v + (-1.0f * a) * a).sqrt();
    } else {
      avg = v.sqrt();
    }
    avg = avg + epsf;
    if (momentum_buffer != nullptr) {
      Arr buf(momentum_buffer + b, len);
      buf = buf * mom + g / avg;
      p = p + nlr * buf;
    } else {
      p = p + (nlr * g) / avg;
    }
  });
}

void adamax_step(float* param, float* exp_avg, float* exp_inf, const float* grad, int n, double step, double lr,
                 double beta1, double beta2, double eps, double weight_decay, bool maximize) {
  const Direction dir(maximize, weight_decay);
  const float b1 = static_cast<float>(beta1), keep1 = static_cast<float>(1.0 - beta1), b2 = static_cast<float>(beta2);
  const float epsf = static_cast<float>(eps);
  const float nclr = static_cast<float>(-(lr / (1.0 - std::pow(beta1, step))));
  for_blocks(n, [&](std::size_t b, Eigen::Index len) {
    alignas(64) float gbuf[kBlock];
    CArr g(dir(grad, param, b, len, gbuf), len);
    Arr p(param + b, len), m(exp_avg + b, len), u(exp_inf + b, len);
    m = m * b1 + keep1 * g;
    u = (u * b2).max(g.abs() + epsf);
    p = p + (nclr * m) / u;
  });
}

void nadam_step(float* param, float* exp_avg, float* exp_avg_sq, const float* grad, int n, double beta1,
                double beta2, double eps, double weight_decay, double bias_correction2, double grad_coef,
                double avg_coef) {
  const Direction dir(false, weight_decay);
  const float b1 = static_cast<float>(beta1), keep1 = static_cast<float>(1.0 - beta1);
  const float b2 = static_cast<float>(beta2), keep2 = static_cast<float>(1.0 - beta2);
  const float epsf = static_cast<float>(eps), bc2 = static_cast<float>(bias_correction2);
  const float cg = static_cast<float>(grad_coef), cm = static_cast<float>(avg_coef);
  for_blocks(n, [&](std::size_t b, Eigen::Index len) {
    alignas(64) float gbuf[kBlock], rbuf[kBlock];
    CArr g(dir(grad, param, b, len, gbuf), len);
    Arr p(param + b, len), m(exp_avg + b, len), v(exp_avg_sq + b, len);
    Scratch denom(rbuf, len);
    m = m * b1 + keep1 * g;
    v = v * b2 + (keep2 * g) * g;
    denom = (v / bc2).sqrt();
    denom = denom + epsf;
    p = p + (cg * g) / denom;
    p = p + (cm * m) / denom;
  });
}

void radam_step(float* param, float* exp_avg, float* exp_avg_sq, const float* grad, int n, double step, double lr,
                double beta1, double beta2, double eps, double weight_decay) {
  const Direction dir(false, weight_decay);
  const float b1 = static_cast<float>(beta1), keep1 = static_cast<float>(1.0 - beta1);
  const float b2 = static_cast<float>(beta2), keep2 = static_cast<float>(1.0 - beta2);
  const float epsf = static_cast<float>(eps), lrf = static_cast<float>(lr);
  // The rectification in double, as torch computes it in Python.
  const double bc1 = 1.0 - std::pow(beta1, step), bc2 = 1.0 - std::pow(beta2, step);
  const double rho_inf = 2.0 / (1.0 - beta2) - 1.0;
  const double rho_t = rho_inf - 2.0 * step * std::pow(beta2, step) / bc2;
  const bool rectify = rho_t > 5.0;
  const float rect = rectify ? static_cast<float>(std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))) : 0.0f;
  const float bc1f = static_cast<float>(bc1), sbc2 = static_cast<float>(std::sqrt(bc2));
  for_blocks(n, [&](std::size_t b, Eigen::Index len) {
    alignas(64) float gbuf[kBlock], rbuf[kBlock];
    CArr g(dir(grad, param, b, len, gbuf), len);
    Arr p(param + b, len), m(exp_avg + b, len), v(exp_avg_sq + b, len);
    m = m * b1 + keep1 * g;
    v = v * b2 + (keep2 * g) * g;
    if (rectify) {
      Scratch adaptive(rbuf, len);
      adaptive = v.sqrt();
      adaptive = sbc2 / (adaptive + epsf);
      p = p - (((m / bc1f) * lrf) * adaptive) * rect;
    } else {
      p = p - (m / bc1f) * lrf;
    }
  });
}

}  // namespace kiln
