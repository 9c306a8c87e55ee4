// Bindings for native/kernels/layernorm.h.
#include "../kernels/layernorm.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

// layerNormForward(out, mean, rstd, inp, weight | null, bias | null, N, D, eps)
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  const char* where = "layerNormForward";
  expect_count(info, 9, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray mean = float_array(info, 1, where, "mean");
  FloatArray rstd = float_array(info, 2, where, "rstd");
  FloatArray inp = float_array(info, 3, where, "inp");
  FloatArray weight = optional_float_array(info, 4, where, "weight");
  FloatArray bias = optional_float_array(info, 5, where, "bias");
  ND s = nd(info, 6, where);
  double eps = number(info, 8, where, "eps");
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_length(env, out, total, where, "out");
  expect_length(env, inp, total, where, "inp");
  expect_length(env, mean, s.N, where, "mean");
  expect_length(env, rstd, s.N, where, "rstd");
  expect_optional_length(env, weight, s.D, where, "weight");
  expect_optional_length(env, bias, s.D, where, "bias");
  layernorm_forward(out.data, mean.data, rstd.data, inp.data, weight.data, bias.data, s.N, s.D, float(eps));
  return env.Undefined();
}

// layerNormBackward(dinp | null, dweight | null, dbias | null, dout, inp, weight | null, mean, rstd, N, D)
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  const char* where = "layerNormBackward";
  expect_count(info, 10, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dweight = optional_float_array(info, 1, where, "dweight");
  FloatArray dbias = optional_float_array(info, 2, where, "dbias");
  FloatArray dout = float_array(info, 3, where, "dout");
  FloatArray inp = float_array(info, 4, where, "inp");
  FloatArray weight = optional_float_array(info, 5, where, "weight");
  FloatArray mean = float_array(info, 6, where, "mean");
  FloatArray rstd = float_array(info, 7, where, "rstd");
  ND s = nd(info, 8, where);
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_optional_length(env, dinp, total, where, "dinp");
  expect_optional_length(env, dweight, s.D, where, "dweight");
  expect_optional_length(env, dbias, s.D, where, "dbias");
  expect_length(env, dout, total, where, "dout");
  expect_length(env, inp, total, where, "inp");
  expect_optional_length(env, weight, s.D, where, "weight");
  expect_length(env, mean, s.N, where, "mean");
  expect_length(env, rstd, s.N, where, "rstd");
  layernorm_backward(dinp.data, dweight.data, dbias.data, dout.data, inp.data, weight.data, mean.data, rstd.data, s.N,
                     s.D);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
