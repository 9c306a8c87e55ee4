// Window arguments shared by the conv2d and pool2d bindings: kernel, stride and padding, and the
// output size they give.
#pragma once
#include <napi.h>

#include <string>

#include "../kernels/conv2d.h"
#include "args.h"

namespace kiln {
namespace binding {

// The window arguments shared by convolution and pooling, read from info[i..i+5]:
// KH, KW, SH, SW, PH, PW.
struct Window {
  int KH, KW, SH, SW, PH, PW;
};

inline Window window(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
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
inline int out_dim(Napi::Env env, int in, int k, int s, int p, const char* where, const char* dim) {
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
inline void expect_plane(Napi::Env env, int H, int W, const char* where) {
  if (static_cast<double>(H) * W > 2147483647.0)
    throw_range(env, std::string(where) + ": expected H*W below 2^31, got " + std::to_string(H) + " x " + std::to_string(W));
}

// Pooling windows must hold at least one real pixel, as PyTorch requires (padding at most half
// the kernel); otherwise max pooling would have nothing to take the maximum of.
inline void expect_half_padding(Napi::Env env, const Window& w, const char* where) {
  if (2LL * w.PH > w.KH || 2LL * w.PW > w.KW)
    throw_range(env, std::string(where) + ": expected padding at most half the kernel, got padding (" + std::to_string(w.PH) +
                         ", " + std::to_string(w.PW) + ") for kernel (" + std::to_string(w.KH) + ", " +
                         std::to_string(w.KW) + ")");
}

}  // namespace binding
}  // namespace kiln
