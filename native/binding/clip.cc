// Bindings for native/kernels/clip.h (gradient clipping).
#include "../kernels/clip.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

// sumAbsPow(x, p) -> sum |x_i|^p
Napi::Value SumAbsPow(const Napi::CallbackInfo& info) {
  const char* where = "sumAbsPow";
  expect_count(info, 2, where);
  FloatArray x = float_array(info, 0, where, "x");
  double p = non_negative(info, 1, where, "p");
  return Napi::Number::New(info.Env(), sum_abs_pow(x.data, elements(info.Env(), x, where, "x"), p));
}

// maxAbs(x) -> max |x_i|
Napi::Value MaxAbs(const Napi::CallbackInfo& info) {
  const char* where = "maxAbs";
  expect_count(info, 1, where);
  FloatArray x = float_array(info, 0, where, "x");
  return Napi::Number::New(info.Env(), max_abs(x.data, elements(info.Env(), x, where, "x")));
}

// scaleInPlace(x, c): x *= c
Napi::Value ScaleInPlace(const Napi::CallbackInfo& info) {
  const char* where = "scaleInPlace";
  expect_count(info, 2, where);
  FloatArray x = float_array(info, 0, where, "x");
  double c = number(info, 1, where, "c");
  scale_inplace(x.data, elements(info.Env(), x, where, "x"), static_cast<float>(c));
  return info.Env().Undefined();
}

}  // namespace binding
}  // namespace kiln
