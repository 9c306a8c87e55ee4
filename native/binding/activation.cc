// Bindings for native/kernels/activation.h.
#include "../kernels/activation.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

// reluForward(out, inp)
Napi::Value ReluForward(const Napi::CallbackInfo& info) {
  const char* where = "reluForward";
  expect_count(info, 2, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray inp = float_array(info, 1, where, "inp");
  expect_length(info.Env(), out, static_cast<double>(inp.length), where, "out");
  relu_forward(out.data, inp.data, inp.length);
  return info.Env().Undefined();
}

// reluBackward(dinp, dout, out)
Napi::Value ReluBackward(const Napi::CallbackInfo& info) {
  const char* where = "reluBackward";
  expect_count(info, 3, where);
  FloatArray dinp = float_array(info, 0, where, "dinp");
  FloatArray dout = float_array(info, 1, where, "dout");
  FloatArray out = float_array(info, 2, where, "out");
  expect_length(info.Env(), dinp, static_cast<double>(out.length), where, "dinp");
  expect_length(info.Env(), dout, static_cast<double>(out.length), where, "dout");
  relu_backward(dinp.data, dout.data, out.data, out.length);
  return info.Env().Undefined();
}

}  // namespace binding
}  // namespace kiln
