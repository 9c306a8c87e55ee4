// Bindings for native/kernels/init.h (truncated normal and orthogonal initialisation).
#include <cmath>
#include <string>

#include "../kernels/init.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

std::uint64_t stream_arg(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  return static_cast<std::uint64_t>(integer(info, i, where, name, 0, 9007199254740991LL));
}

// A number that may be infinite (an open end of the truncation interval) but not NaN.
double bound(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) throw_type(info.Env(), std::string(where) + ": expected a number for " + name + ", got " + describe(v));
  double d = v.As<Napi::Number>().DoubleValue();
  if (std::isnan(d)) throw_range(info.Env(), std::string(where) + ": expected a number or +-Infinity for " + name + ", got NaN");
  return d;
}

}  // namespace

// truncNormal(out, mean, std, a, b, seed, offset)
Napi::Value TruncNormal(const Napi::CallbackInfo& info) {
  const char* where = "truncNormal";
  expect_count(info, 7, where);
  FloatArray out = float_array(info, 0, where, "out");
  double mean = number(info, 1, where, "mean"), std = number(info, 2, where, "std");
  double a = bound(info, 3, where, "a"), b = bound(info, 4, where, "b");
  Napi::Env env = info.Env();
  if (!(std > 0)) throw_range(env, std::string(where) + ": expected a positive number for std, got " + describe(info[2]));
  if (!(a < b)) throw_range(env, std::string(where) + ": expected a < b for a, got " + describe(info[3]) + " and b " + describe(info[4]));
  trunc_normal(out.data, out.length, mean, std, a, b, stream_arg(info, 5, where, "seed"), stream_arg(info, 6, where, "offset"));
  return env.Undefined();
}

// orthogonal(out, rows, cols, gain, seed, offset)
Napi::Value Orthogonal(const Napi::CallbackInfo& info) {
  const char* where = "orthogonal";
  expect_count(info, 6, where);
  FloatArray out = float_array(info, 0, where, "out");
  int rows = size(info, 1, where, "rows"), cols = size(info, 2, where, "cols");
  double gain = number(info, 3, where, "gain");
  Napi::Env env = info.Env();
  expect_length(env, out, product({double(rows), double(cols)}), where, "out");
  if (!orthogonal(out.data, rows, cols, static_cast<float>(gain), stream_arg(info, 4, where, "seed"),
                  stream_arg(info, 5, where, "offset")))
    throw Napi::Error::New(env, std::string(where) + ": could not allocate the scratch matrix for a " + std::to_string(rows) +
                                    " x " + std::to_string(cols) + " factorisation");
  return env.Undefined();
}

// normalQuantile(p): the kernel's Phi^-1, for tests.
Napi::Value NormalQuantile(const Napi::CallbackInfo& info) {
  const char* where = "normalQuantile";
  expect_count(info, 1, where);
  double p = number(info, 0, where, "p");
  if (p < 0 || p > 1) throw_range(info.Env(), std::string(where) + ": expected a number in [0, 1] for p, got " + describe(info[0]));
  return Napi::Number::New(info.Env(), normal_quantile(p));
}

}  // namespace binding
}  // namespace kiln
