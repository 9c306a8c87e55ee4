// Bindings for native/kernels/conv2d.h and pool2d.h.
#include <string>

#include "../kernels/conv2d.h"
#include "../kernels/pool2d.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

// The window arguments shared by convolution and pooling, read from info[i..i+5]:
// KH, KW, SH, SW, PH, PW.
struct Window {
  int KH, KW, SH, SW, PH, PW;
};

Window window(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  Window w;
  w.KH = static_cast<int>(integer(info, i, where, "KH", 1, 2147483647));
  w.KW = static_cast<int>(integer(info, i + 1, where, "KW", 1, 2147483647));
  w.SH = static_cast<int>(integer(info, i + 2, where, "SH", 1, 2147483647));
  w.SW = static_cast<int>(integer(info, i + 3, where, "SW", 1, 2147483647));
  w.PH = static_cast<int>(integer(info, i + 4, where, "PH", 0, 1073741823));
  w.PW = static_cast<int>(integer(info, i + 5, where, "PW", 0, 1073741823));
  return w;
}

// The output size along one dimension, which must be at least 1. Kernels index a padded row
// or column with int, so the padded length must fit one.
int out_dim(Napi::Env env, int in, int k, int s, int p, const char* where, const char* dim) {
  if (static_cast<long long>(in) + 2LL * p > 2147483647LL)
    throw_range(env, std::string(where) + ": expected input + 2 * padding below 2^31 along " + dim + ", got input " +
                         std::to_string(in) + ", padding " + std::to_string(p));
  long long o = conv_out_size(in, k, s, p);
  if (o < 1)
    throw_range(env, std::string(where) + ": expected a kernel that fits the padded input along " + dim + ", got input " +
                         std::to_string(in) + ", kernel " + std::to_string(k) + ", stride " + std::to_string(s) +
                         ", padding " + std::to_string(p));
  return static_cast<int>(o);
}

// Kernels index within a plane (and max pooling's argmax) with int32.
void expect_plane(Napi::Env env, int H, int W, const char* where) {
  if (static_cast<double>(H) * W > 2147483647.0)
    throw_range(env, std::string(where) + ": expected H*W below 2^31, got " + std::to_string(H) + " x " + std::to_string(W));
}

// Pooling windows must hold at least one real pixel, as PyTorch requires (padding at most half
// the kernel); otherwise max pooling would have nothing to take the maximum of.
void expect_half_padding(Napi::Env env, const Window& w, const char* where) {
  if (2LL * w.PH > w.KH || 2LL * w.PW > w.KW)
    throw_range(env, std::string(where) + ": expected padding at most half the kernel, got padding (" + std::to_string(w.PH) +
                         ", " + std::to_string(w.PW) + ") for kernel (" + std::to_string(w.KH) + ", " +
                         std::to_string(w.KW) + ")");
}

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

// Adaptive pooling needs OH, OW >= 1; an empty input plane would give empty windows.
void adaptive_sizes(const Napi::CallbackInfo& info, std::size_t i, const char* where, int* P, int* H, int* W, int* OH,
                    int* OW) {
  *P = size(info, i, where, "P");
  *H = static_cast<int>(integer(info, i + 1, where, "H", 1, 2147483647));
  *W = static_cast<int>(integer(info, i + 2, where, "W", 1, 2147483647));
  *OH = static_cast<int>(integer(info, i + 3, where, "OH", 1, 2147483647));
  *OW = static_cast<int>(integer(info, i + 4, where, "OW", 1, 2147483647));
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

}  // namespace

void InitConv(Napi::Env env, Napi::Object exports) {
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2dForward));
  exports.Set("conv2dBackward", Napi::Function::New(env, Conv2dBackward));
  exports.Set("maxPool2dForward", Napi::Function::New(env, MaxPool2dForward));
  exports.Set("maxPool2dBackward", Napi::Function::New(env, MaxPool2dBackward));
  exports.Set("avgPool2dForward", Napi::Function::New(env, AvgPool2dForward));
  exports.Set("avgPool2dBackward", Napi::Function::New(env, AvgPool2dBackward));
  exports.Set("adaptiveAvgPool2dForward", Napi::Function::New(env, AdaptiveAvgPool2dForward));
  exports.Set("adaptiveAvgPool2dBackward", Napi::Function::New(env, AdaptiveAvgPool2dBackward));
}

}  // namespace binding
}  // namespace kiln
