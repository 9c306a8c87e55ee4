// Bindings for native/kernels/random.h.
#include <cstdint>

#include "../kernels/random.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

std::uint64_t seed_arg(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  return static_cast<std::uint64_t>(integer(info, i, where, name, 0, 9007199254740991LL));
}

}  // namespace

// randomUniform(out, low, high, seed, offset)
Napi::Value RandomUniform(const Napi::CallbackInfo& info) {
  const char* where = "randomUniform";
  expect_count(info, 5, where);
  FloatArray out = float_array(info, 0, where, "out");
  double low = number(info, 1, where, "low"), high = number(info, 2, where, "high");
  random_uniform(out.data, out.length, static_cast<float>(low), static_cast<float>(high), seed_arg(info, 3, where, "seed"),
                 seed_arg(info, 4, where, "offset"));
  return info.Env().Undefined();
}

// randomNormal(out, mean, std, seed, offset)
Napi::Value RandomNormal(const Napi::CallbackInfo& info) {
  const char* where = "randomNormal";
  expect_count(info, 5, where);
  FloatArray out = float_array(info, 0, where, "out");
  double mean = number(info, 1, where, "mean"), std = number(info, 2, where, "std");
  random_normal(out.data, out.length, static_cast<float>(mean), static_cast<float>(std), seed_arg(info, 3, where, "seed"),
                seed_arg(info, 4, where, "offset"));
  return info.Env().Undefined();
}

}  // namespace binding
}  // namespace kiln
