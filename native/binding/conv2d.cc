// Bindings for native/kernels/conv2d.h (Winograd, native/kernels/winograd.h, is internal to it).
#include <string>

#include "../kernels/conv2d.h"
#include "args.h"
#include "bindings.h"
#include "window.h"

namespace kiln {
namespace binding {

// conv2dForward(out, inp, weight, bias | null, N, C, H, W, OC, KH, KW, SH, SW, PH, PW)
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  const char* where = "conv2dForward";
  expect_count(info, 15, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray inp = float_array(info, 1, where, "inp");
  FloatArray weight = float_array(info, 2, where, "weight");
  FloatArray bias = optional_float_array(info, 3, where, "bias");
  int N = size(info, 4, where, "N"), C = size(info, 5, where, "C"), H = size(info, 6, where, "H"),
      W = size(info, 7, where, "W"), OC = size(info, 8, where, "OC");
  Window w = window(info, 9, where);
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  int OH = out_dim(env, H, w.KH, w.SH, w.PH, where, "H"), OW = out_dim(env, W, w.KW, w.SW, w.PW, where, "W");
  // cols holds C*KH*KW x OH*OW floats per thread and GEMM indexes with int.
  if (product({double(C), double(w.KH), double(w.KW), double(OH), double(OW)}) > 2147483647.0)
    throw_range(env, std::string(where) + ": expected C*KH*KW*OH*OW below 2^31, got a larger convolution");
  expect_length(env, out, product({double(N), double(OC), double(OH), double(OW)}), where, "out");
  expect_length(env, inp, product({double(N), double(C), double(H), double(W)}), where, "inp");
  expect_length(env, weight, product({double(OC), double(C), double(w.KH), double(w.KW)}), where, "weight");
  expect_optional_length(env, bias, OC, where, "bias");
  conv2d_forward(out.data, inp.data, weight.data, bias.data, N, C, H, W, OC, w.KH, w.KW, w.SH, w.SW, w.PH, w.PW);
  return env.Undefined();
}

// conv2dBackward(dinp | null, dweight | null, dbias | null, dout, inp, weight,
//                N, C, H, W, OC, KH, KW, SH, SW, PH, PW)
Napi::Value Conv2dBackward(const Napi::CallbackInfo& info) {
  const char* where = "conv2dBackward";
  expect_count(info, 17, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dweight = optional_float_array(info, 1, where, "dweight");
  FloatArray dbias = optional_float_array(info, 2, where, "dbias");
  FloatArray dout = float_array(info, 3, where, "dout");
  FloatArray inp = float_array(info, 4, where, "inp");
  FloatArray weight = float_array(info, 5, where, "weight");
  int N = size(info, 6, where, "N"), C = size(info, 7, where, "C"), H = size(info, 8, where, "H"),
      W = size(info, 9, where, "W"), OC = size(info, 10, where, "OC");
  Window w = window(info, 11, where);
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  int OH = out_dim(env, H, w.KH, w.SH, w.PH, where, "H"), OW = out_dim(env, W, w.KW, w.SW, w.PW, where, "W");
  if (product({double(C), double(w.KH), double(w.KW), double(OH), double(OW)}) > 2147483647.0)
    throw_range(env, std::string(where) + ": expected C*KH*KW*OH*OW below 2^31, got a larger convolution");
  const double in_len = product({double(N), double(C), double(H), double(W)});
  const double w_len = product({double(OC), double(C), double(w.KH), double(w.KW)});
  expect_optional_length(env, dinp, in_len, where, "dinp");
  expect_optional_length(env, dweight, w_len, where, "dweight");
  expect_optional_length(env, dbias, OC, where, "dbias");
  expect_length(env, dout, product({double(N), double(OC), double(OH), double(OW)}), where, "dout");
  expect_length(env, inp, in_len, where, "inp");
  expect_length(env, weight, w_len, where, "weight");
  conv2d_backward(dinp.data, dweight.data, dbias.data, dout.data, inp.data, weight.data, N, C, H, W, OC, w.KH, w.KW,
                  w.SH, w.SW, w.PH, w.PW);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
