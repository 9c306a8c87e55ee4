// Bindings for native/kernels/dropout.h.
#include <string>

#include "../kernels/dropout.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

// dropoutForward(out, mask | null, inp, p, seed, offset)
Napi::Value DropoutForward(const Napi::CallbackInfo& info) {
  const char* where = "dropoutForward";
  expect_count(info, 6, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray mask = optional_float_array(info, 1, where, "mask");
  FloatArray inp = float_array(info, 2, where, "inp");
  double p = number(info, 3, where, "p");
  Napi::Env env = info.Env();
  if (p < 0 || p > 1) throw_range(env, std::string(where) + ": expected a number in [0, 1] for p, got " + describe(info[3]));
  std::uint64_t seed = static_cast<std::uint64_t>(integer(info, 4, where, "seed", 0, 9007199254740991LL));
  std::uint64_t offset = static_cast<std::uint64_t>(integer(info, 5, where, "offset", 0, 9007199254740991LL));
  expect_length(env, out, static_cast<double>(inp.length), where, "out");
  expect_optional_length(env, mask, static_cast<double>(inp.length), where, "mask");
  dropout_forward(out.data, mask.data, inp.data, inp.length, p, seed, offset);
  return env.Undefined();
}

// dropoutBackward(dinp, dout, mask)
Napi::Value DropoutBackward(const Napi::CallbackInfo& info) {
  const char* where = "dropoutBackward";
  expect_count(info, 3, where);
  FloatArray dinp = float_array(info, 0, where, "dinp");
  FloatArray dout = float_array(info, 1, where, "dout");
  FloatArray mask = float_array(info, 2, where, "mask");
  Napi::Env env = info.Env();
  expect_length(env, dout, static_cast<double>(dinp.length), where, "dout");
  expect_length(env, mask, static_cast<double>(dinp.length), where, "mask");
  dropout_backward(dinp.data, dout.data, mask.data, dinp.length);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
