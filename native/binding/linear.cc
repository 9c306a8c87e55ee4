// Bindings for native/kernels/linear.h.
#include "../kernels/linear.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

// linearForward(out, inp, weight, bias | null, N, C, OC)
Napi::Value LinearForward(const Napi::CallbackInfo& info) {
  const char* where = "linearForward";
  expect_count(info, 7, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray inp = float_array(info, 1, where, "inp");
  FloatArray weight = float_array(info, 2, where, "weight");
  FloatArray bias = optional_float_array(info, 3, where, "bias");
  int N = size(info, 4, where, "N"), C = size(info, 5, where, "C"), OC = size(info, 6, where, "OC");
  Napi::Env env = info.Env();
  expect_length(env, out, product({double(N), double(OC)}), where, "out");
  expect_length(env, inp, product({double(N), double(C)}), where, "inp");
  expect_length(env, weight, product({double(OC), double(C)}), where, "weight");
  expect_optional_length(env, bias, OC, where, "bias");
  linear_forward(out.data, inp.data, weight.data, bias.data, N, C, OC);
  return env.Undefined();
}

// linearBackward(dinp | null, dweight | null, dbias | null, dout, inp, weight, N, C, OC)
Napi::Value LinearBackward(const Napi::CallbackInfo& info) {
  const char* where = "linearBackward";
  expect_count(info, 9, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dweight = optional_float_array(info, 1, where, "dweight");
  FloatArray dbias = optional_float_array(info, 2, where, "dbias");
  FloatArray dout = float_array(info, 3, where, "dout");
  FloatArray inp = float_array(info, 4, where, "inp");
  FloatArray weight = float_array(info, 5, where, "weight");
  int N = size(info, 6, where, "N"), C = size(info, 7, where, "C"), OC = size(info, 8, where, "OC");
  Napi::Env env = info.Env();
  expect_optional_length(env, dinp, product({double(N), double(C)}), where, "dinp");
  expect_optional_length(env, dweight, product({double(OC), double(C)}), where, "dweight");
  expect_optional_length(env, dbias, OC, where, "dbias");
  expect_length(env, dout, product({double(N), double(OC)}), where, "dout");
  expect_length(env, inp, product({double(N), double(C)}), where, "inp");
  expect_length(env, weight, product({double(OC), double(C)}), where, "weight");
  linear_backward(dinp.data, dweight.data, dbias.data, dout.data, inp.data, weight.data, N, C, OC);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
