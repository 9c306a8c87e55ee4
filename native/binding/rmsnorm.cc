// Bindings for native/kernels/rmsnorm.h.
#include "../kernels/rmsnorm.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

// rmsNormForward(out, rstd, inp, weight | null, N, D, eps)
Napi::Value RmsNormForward(const Napi::CallbackInfo& info) {
  const char* where = "rmsNormForward";
  expect_count(info, 7, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray rstd = float_array(info, 1, where, "rstd");
  FloatArray inp = float_array(info, 2, where, "inp");
  FloatArray weight = optional_float_array(info, 3, where, "weight");
  ND s = nd(info, 4, where);
  double eps = number(info, 6, where, "eps");
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_length(env, out, total, where, "out");
  expect_length(env, inp, total, where, "inp");
  expect_length(env, rstd, s.N, where, "rstd");
  expect_optional_length(env, weight, s.D, where, "weight");
  rmsnorm_forward(out.data, rstd.data, inp.data, weight.data, s.N, s.D, float(eps));
  return env.Undefined();
}

// rmsNormBackward(dinp | null, dweight | null, dout, inp, weight | null, rstd, N, D)
Napi::Value RmsNormBackward(const Napi::CallbackInfo& info) {
  const char* where = "rmsNormBackward";
  expect_count(info, 8, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dweight = optional_float_array(info, 1, where, "dweight");
  FloatArray dout = float_array(info, 2, where, "dout");
  FloatArray inp = float_array(info, 3, where, "inp");
  FloatArray weight = optional_float_array(info, 4, where, "weight");
  FloatArray rstd = float_array(info, 5, where, "rstd");
  ND s = nd(info, 6, where);
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_optional_length(env, dinp, total, where, "dinp");
  expect_optional_length(env, dweight, s.D, where, "dweight");
  expect_length(env, dout, total, where, "dout");
  expect_length(env, inp, total, where, "inp");
  expect_optional_length(env, weight, s.D, where, "weight");
  expect_length(env, rstd, s.N, where, "rstd");
  rmsnorm_backward(dinp.data, dweight.data, dout.data, inp.data, weight.data, rstd.data, s.N, s.D);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
