// Bindings for native/kernels/optim.h.
#include "../kernels/optim.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

double unit_interval(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  double v = number(info, i, where, name);
  if (v < 0.0 || v >= 1.0) throw_range(info.Env(), std::string(where) + ": expected a number in [0, 1) for " + name + ", got " + describe(info[i]));
  return v;
}

}  // namespace

// sgdStep(param, momentumBuffer | null, grad, lr, momentum, dampening, weightDecay, nesterov, initBuffer)
Napi::Value SgdStep(const Napi::CallbackInfo& info) {
  const char* where = "sgdStep";
  expect_count(info, 9, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray buf = optional_float_array(info, 1, where, "momentumBuffer");
  FloatArray grad = float_array(info, 2, where, "grad");
  double lr = non_negative(info, 3, where, "lr");
  double momentum = non_negative(info, 4, where, "momentum");
  double dampening = number(info, 5, where, "dampening");
  double wd = non_negative(info, 6, where, "weightDecay");
  bool nesterov = boolean(info, 7, where, "nesterov");
  bool init = boolean(info, 8, where, "initBuffer");
  int n = elements(env, param, where, "param");
  expect_length(env, grad, n, where, "grad");
  expect_optional_length(env, buf, n, where, "momentumBuffer");
  sgd_step(param.data, buf.data, grad.data, n, lr, momentum, dampening, wd, nesterov, init);
  return env.Undefined();
}

// adamStep(param, expAvg, expAvgSq, maxExpAvgSq | null, grad, step, lr, beta1, beta2, eps, weightDecay, decoupled)
Napi::Value AdamStep(const Napi::CallbackInfo& info) {
  const char* where = "adamStep";
  expect_count(info, 12, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray m = float_array(info, 1, where, "expAvg");
  FloatArray v = float_array(info, 2, where, "expAvgSq");
  FloatArray vmax = optional_float_array(info, 3, where, "maxExpAvgSq");
  FloatArray grad = float_array(info, 4, where, "grad");
  double step = static_cast<double>(integer(info, 5, where, "step", 1, 9007199254740991LL));
  double lr = non_negative(info, 6, where, "lr");
  double beta1 = unit_interval(info, 7, where, "beta1");
  double beta2 = unit_interval(info, 8, where, "beta2");
  double eps = non_negative(info, 9, where, "eps");
  double wd = non_negative(info, 10, where, "weightDecay");
  bool decoupled = boolean(info, 11, where, "decoupled");
  int n = elements(env, param, where, "param");
  expect_length(env, m, n, where, "expAvg");
  expect_length(env, v, n, where, "expAvgSq");
  expect_optional_length(env, vmax, n, where, "maxExpAvgSq");
  expect_length(env, grad, n, where, "grad");
  adam_step(param.data, m.data, v.data, vmax.data, grad.data, n, step, lr, beta1, beta2, eps, wd, decoupled);
  return env.Undefined();
}

// adadeltaStep(param, squareAvg, accDelta, grad, lr, rho, eps, weightDecay, maximize)
Napi::Value AdadeltaStep(const Napi::CallbackInfo& info) {
  const char* where = "adadeltaStep";
  expect_count(info, 9, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray v = float_array(info, 1, where, "squareAvg");
  FloatArray u = float_array(info, 2, where, "accDelta");
  FloatArray grad = float_array(info, 3, where, "grad");
  double lr = non_negative(info, 4, where, "lr");
  double rho = non_negative(info, 5, where, "rho");
  double eps = non_negative(info, 6, where, "eps");
  double wd = non_negative(info, 7, where, "weightDecay");
  bool maximize = boolean(info, 8, where, "maximize");
  int n = elements(env, param, where, "param");
  expect_length(env, v, n, where, "squareAvg");
  expect_length(env, u, n, where, "accDelta");
  expect_length(env, grad, n, where, "grad");
  adadelta_step(param.data, v.data, u.data, grad.data, n, lr, rho, eps, wd, maximize);
  return env.Undefined();
}

// adagradStep(param, sum, grad, step, lr, lrDecay, eps, weightDecay, maximize)
Napi::Value AdagradStep(const Napi::CallbackInfo& info) {
  const char* where = "adagradStep";
  expect_count(info, 9, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray sum = float_array(info, 1, where, "sum");
  FloatArray grad = float_array(info, 2, where, "grad");
  double step = static_cast<double>(integer(info, 3, where, "step", 1, 9007199254740991LL));
  double lr = non_negative(info, 4, where, "lr");
  double lr_decay = non_negative(info, 5, where, "lrDecay");
  double eps = non_negative(info, 6, where, "eps");
  double wd = non_negative(info, 7, where, "weightDecay");
  bool maximize = boolean(info, 8, where, "maximize");
  int n = elements(env, param, where, "param");
  expect_length(env, sum, n, where, "sum");
  expect_length(env, grad, n, where, "grad");
  adagrad_step(param.data, sum.data, grad.data, n, step, lr, lr_decay, eps, wd, maximize);
  return env.Undefined();
}

// rmspropStep(param, squareAvg, gradAvg | null, momentumBuffer | null, grad, lr, alpha, eps, weightDecay, momentum, maximize)
Napi::Value RmspropStep(const Napi::CallbackInfo& info) {
  const char* where = "rmspropStep";
  expect_count(info, 11, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray v = float_array(info, 1, where, "squareAvg");
  FloatArray a = optional_float_array(info, 2, where, "gradAvg");
  FloatArray buf = optional_float_array(info, 3, where, "momentumBuffer");
  FloatArray grad = float_array(info, 4, where, "grad");
  double lr = non_negative(info, 5, where, "lr");
  double alpha = non_negative(info, 6, where, "alpha");
  double eps = non_negative(info, 7, where, "eps");
  double wd = non_negative(info, 8, where, "weightDecay");
  double momentum = non_negative(info, 9, where, "momentum");
  bool maximize = boolean(info, 10, where, "maximize");
  int n = elements(env, param, where, "param");
  expect_length(env, v, n, where, "squareAvg");
  expect_optional_length(env, a, n, where, "gradAvg");
  expect_optional_length(env, buf, n, where, "momentumBuffer");
  expect_length(env, grad, n, where, "grad");
  rmsprop_step(param.data, v.data, a.data, buf.data, grad.data, n, lr, alpha, eps, wd, momentum, maximize);
  return env.Undefined();
}

// adamaxStep(param, expAvg, expInf, grad, step, lr, beta1, beta2, eps, weightDecay, maximize)
Napi::Value AdamaxStep(const Napi::CallbackInfo& info) {
  const char* where = "adamaxStep";
  expect_count(info, 11, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray m = float_array(info, 1, where, "expAvg");
  FloatArray u = float_array(info, 2, where, "expInf");
  FloatArray grad = float_array(info, 3, where, "grad");
  double step = static_cast<double>(integer(info, 4, where, "step", 1, 9007199254740991LL));
  double lr = non_negative(info, 5, where, "lr");
  double beta1 = unit_interval(info, 6, where, "beta1");
  double beta2 = unit_interval(info, 7, where, "beta2");
  double eps = non_negative(info, 8, where, "eps");
  double wd = non_negative(info, 9, where, "weightDecay");
  bool maximize = boolean(info, 10, where, "maximize");
  int n = elements(env, param, where, "param");
  expect_length(env, m, n, where, "expAvg");
  expect_length(env, u, n, where, "expInf");
  expect_length(env, grad, n, where, "grad");
  adamax_step(param.data, m.data, u.data, grad.data, n, step, lr, beta1, beta2, eps, wd, maximize);
  return env.Undefined();
}

// nadamStep(param, expAvg, expAvgSq, grad, beta1, beta2, eps, weightDecay, biasCorrection2, gradCoef, avgCoef)
Napi::Value NadamStep(const Napi::CallbackInfo& info) {
  const char* where = "nadamStep";
  expect_count(info, 11, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray m = float_array(info, 1, where, "expAvg");
  FloatArray v = float_array(info, 2, where, "expAvgSq");
  FloatArray grad = float_array(info, 3, where, "grad");
  double beta1 = unit_interval(info, 4, where, "beta1");
  double beta2 = unit_interval(info, 5, where, "beta2");
  double eps = non_negative(info, 6, where, "eps");
  double wd = non_negative(info, 7, where, "weightDecay");
  double bc2 = number(info, 8, where, "biasCorrection2");
  if (!(bc2 > 0.0 && bc2 <= 1.0)) throw_range(env, std::string(where) + ": expected a number in (0, 1] for biasCorrection2, got " + describe(info[8]));
  double grad_coef = number(info, 9, where, "gradCoef");
  double avg_coef = number(info, 10, where, "avgCoef");
  int n = elements(env, param, where, "param");
  expect_length(env, m, n, where, "expAvg");
  expect_length(env, v, n, where, "expAvgSq");
  expect_length(env, grad, n, where, "grad");
  nadam_step(param.data, m.data, v.data, grad.data, n, beta1, beta2, eps, wd, bc2, grad_coef, avg_coef);
  return env.Undefined();
}

// radamStep(param, expAvg, expAvgSq, grad, step, lr, beta1, beta2, eps, weightDecay)
Napi::Value RadamStep(const Napi::CallbackInfo& info) {
  const char* where = "radamStep";
  expect_count(info, 10, where);
  Napi::Env env = info.Env();
  FloatArray param = float_array(info, 0, where, "param");
  FloatArray m = float_array(info, 1, where, "expAvg");
  FloatArray v = float_array(info, 2, where, "expAvgSq");
  FloatArray grad = float_array(info, 3, where, "grad");
  double step = static_cast<double>(integer(info, 4, where, "step", 1, 9007199254740991LL));
  double lr = non_negative(info, 5, where, "lr");
  double beta1 = unit_interval(info, 6, where, "beta1");
  double beta2 = unit_interval(info, 7, where, "beta2");
  double eps = non_negative(info, 8, where, "eps");
  double wd = non_negative(info, 9, where, "weightDecay");
  int n = elements(env, param, where, "param");
  expect_length(env, m, n, where, "expAvg");
  expect_length(env, v, n, where, "expAvgSq");
  expect_length(env, grad, n, where, "grad");
  radam_step(param.data, m.data, v.data, grad.data, n, step, lr, beta1, beta2, eps, wd);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
