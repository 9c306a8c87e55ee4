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

}  // namespace binding
}  // namespace kiln
