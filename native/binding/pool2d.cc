// Bindings for native/kernels/pool2d.h.
#include <cstdint>
#include <string>

#include "../kernels/pool2d.h"
#include "args.h"
#include "bindings.h"
#include "window.h"

namespace kiln {
namespace binding {
namespace {

// Adaptive pooling needs OH, OW >= 1; an empty input plane would give empty windows.
void adaptive_sizes(const Napi::CallbackInfo& info, std::size_t i, const char* where, int* P, int* H, int* W, int* OH,
                    int* OW) {
  *P = size(info, i, where, "P");
  *H = static_cast<int>(integer(info, i + 1, where, "H", 1, 2147483647));
  *W = static_cast<int>(integer(info, i + 2, where, "W", 1, 2147483647));
  *OH = static_cast<int>(integer(info, i + 3, where, "OH", 1, 2147483647));
  *OW = static_cast<int>(integer(info, i + 4, where, "OW", 1, 2147483647));
}

}  // namespace

// maxPool2dForward(out, argmax: Int32Array, inp, P, H, W, KH, KW, SH, SW, PH, PW)
Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info) {
  const char* where = "maxPool2dForward";
  expect_count(info, 12, where);
  FloatArray out = float_array(info, 0, where, "out");
  IntArray argmax = int32_array(info, 1, where, "argmax");
  FloatArray inp = float_array(info, 2, where, "inp");
  int P = size(info, 3, where, "P"), H = size(info, 4, where, "H"), W = size(info, 5, where, "W");
  Window w = window(info, 6, where);
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  expect_half_padding(env, w, where);
  int OH = out_dim(env, H, w.KH, w.SH, w.PH, where, "H"), OW = out_dim(env, W, w.KW, w.SW, w.PW, where, "W");
  const double out_len = product({double(P), double(OH), double(OW)});
  expect_length(env, out, out_len, where, "out");
  expect_length(env, argmax, out_len, where, "argmax");
  expect_length(env, inp, product({double(P), double(H), double(W)}), where, "inp");
  maxpool2d_forward(out.data, argmax.data, inp.data, P, H, W, w.KH, w.KW, w.SH, w.SW, w.PH, w.PW);
  return env.Undefined();
}

// maxPool2dBackward(dinp, dout, argmax: Int32Array, P, H, W, OH, OW)
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info) {
  const char* where = "maxPool2dBackward";
  expect_count(info, 8, where);
  FloatArray dinp = float_array(info, 0, where, "dinp");
  FloatArray dout = float_array(info, 1, where, "dout");
  IntArray argmax = int32_array(info, 2, where, "argmax");
  int P = size(info, 3, where, "P"), H = size(info, 4, where, "H"), W = size(info, 5, where, "W"),
      OH = size(info, 6, where, "OH"), OW = size(info, 7, where, "OW");
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  const double out_len = product({double(P), double(OH), double(OW)});
  expect_length(env, dinp, product({double(P), double(H), double(W)}), where, "dinp");
  expect_length(env, dout, out_len, where, "dout");
  expect_length(env, argmax, out_len, where, "argmax");
  // The kernel scatters through argmax: every index must land inside its plane.
  const std::int64_t plane = static_cast<std::int64_t>(H) * W;
  for (std::size_t i = 0; i < argmax.length; ++i) {
    if (argmax.data[i] < 0 || argmax.data[i] >= plane)
      throw_range(env, std::string(where) + ": expected argmax entries in [0, " + std::to_string(plane) + "), got " +
                           std::to_string(argmax.data[i]) + " at index " + std::to_string(i));
  }
  maxpool2d_backward(dinp.data, dout.data, argmax.data, P, H, W, OH, OW);
  return env.Undefined();
}

// avgPool2dForward(out, inp, P, H, W, KH, KW, SH, SW, PH, PW, countIncludePad)
Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info) {
  const char* where = "avgPool2dForward";
  expect_count(info, 12, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray inp = float_array(info, 1, where, "inp");
  int P = size(info, 2, where, "P"), H = size(info, 3, where, "H"), W = size(info, 4, where, "W");
  Window w = window(info, 5, where);
  bool include_pad = boolean(info, 11, where, "countIncludePad");
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  expect_half_padding(env, w, where);
  int OH = out_dim(env, H, w.KH, w.SH, w.PH, where, "H"), OW = out_dim(env, W, w.KW, w.SW, w.PW, where, "W");
  expect_length(env, out, product({double(P), double(OH), double(OW)}), where, "out");
  expect_length(env, inp, product({double(P), double(H), double(W)}), where, "inp");
  avgpool2d_forward(out.data, inp.data, P, H, W, w.KH, w.KW, w.SH, w.SW, w.PH, w.PW, include_pad);
  return env.Undefined();
}

// avgPool2dBackward(dinp, dout, P, H, W, KH, KW, SH, SW, PH, PW, countIncludePad)
Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info) {
  const char* where = "avgPool2dBackward";
  expect_count(info, 12, where);
  FloatArray dinp = float_array(info, 0, where, "dinp");
  FloatArray dout = float_array(info, 1, where, "dout");
  int P = size(info, 2, where, "P"), H = size(info, 3, where, "H"), W = size(info, 4, where, "W");
  Window w = window(info, 5, where);
  bool include_pad = boolean(info, 11, where, "countIncludePad");
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  expect_half_padding(env, w, where);
  int OH = out_dim(env, H, w.KH, w.SH, w.PH, where, "H"), OW = out_dim(env, W, w.KW, w.SW, w.PW, where, "W");
  expect_length(env, dinp, product({double(P), double(H), double(W)}), where, "dinp");
  expect_length(env, dout, product({double(P), double(OH), double(OW)}), where, "dout");
  avgpool2d_backward(dinp.data, dout.data, P, H, W, w.KH, w.KW, w.SH, w.SW, w.PH, w.PW, include_pad);
  return env.Undefined();
}

// adaptiveAvgPool2dForward(out, inp, P, H, W, OH, OW)
Napi::Value AdaptiveAvgPool2dForward(const Napi::CallbackInfo& info) {
  const char* where = "adaptiveAvgPool2dForward";
  expect_count(info, 7, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray inp = float_array(info, 1, where, "inp");
  int P, H, W, OH, OW;
  adaptive_sizes(info, 2, where, &P, &H, &W, &OH, &OW);
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  expect_length(env, out, product({double(P), double(OH), double(OW)}), where, "out");
  expect_length(env, inp, product({double(P), double(H), double(W)}), where, "inp");
  adaptive_avgpool2d_forward(out.data, inp.data, P, H, W, OH, OW);
  return env.Undefined();
}

// adaptiveAvgPool2dBackward(dinp, dout, P, H, W, OH, OW)
Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info) {
  const char* where = "adaptiveAvgPool2dBackward";
  expect_count(info, 7, where);
  FloatArray dinp = float_array(info, 0, where, "dinp");
  FloatArray dout = float_array(info, 1, where, "dout");
  int P, H, W, OH, OW;
  adaptive_sizes(info, 2, where, &P, &H, &W, &OH, &OW);
  Napi::Env env = info.Env();
  expect_plane(env, H, W, where);
  expect_length(env, dinp, product({double(P), double(H), double(W)}), where, "dinp");
  expect_length(env, dout, product({double(P), double(OH), double(OW)}), where, "dout");
  adaptive_avgpool2d_backward(dinp.data, dout.data, P, H, W, OH, OW);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
