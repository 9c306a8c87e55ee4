// Bindings for threads, GEMM, random fills and build facts.
#include <Eigen/Core>

#include "../kernels/gemm.h"
#include "../kernels/random.h"
#include "../parallel.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  expect_count(info, 1, "setNumThreads");
  set_num_threads(static_cast<int>(integer(info, 0, "setNumThreads", "n", 1, 1024)));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), get_num_threads()); }

// sgemm(c, a, b, M, N, K, transA, transB, beta)
Napi::Value Sgemm(const Napi::CallbackInfo& info) {
  const char* where = "sgemm";
  expect_count(info, 9, where);
  FloatArray c = float_array(info, 0, where, "c");
  FloatArray a = float_array(info, 1, where, "a");
  FloatArray b = float_array(info, 2, where, "b");
  int M = size(info, 3, where, "M"), N = size(info, 4, where, "N"), K = size(info, 5, where, "K");
  bool ta = boolean(info, 6, where, "transA"), tb = boolean(info, 7, where, "transB");
  double beta = number(info, 8, where, "beta");
  if (beta != 0.0 && beta != 1.0) throw_range(info.Env(), std::string(where) + ": expected 0 or 1 for beta, got " + describe(info[8]));
  expect_length(info.Env(), c, product({double(M), double(N)}), where, "c");
  expect_length(info.Env(), a, product({double(M), double(K)}), where, "a");
  expect_length(info.Env(), b, product({double(K), double(N)}), where, "b");
  sgemm(c.data, a.data, b.data, M, N, K, ta, tb, static_cast<float>(beta));
  return info.Env().Undefined();
}

std::uint64_t seed_arg(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  return static_cast<std::uint64_t>(integer(info, i, where, name, 0, static_cast<std::int64_t>(kMaxSafeInteger)));
}

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

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                     std::to_string(EIGEN_MINOR_VERSION));
  o.Set("simd", Eigen::SimdInstructionSetsInUse());
#if defined(__AVX512F__)
  o.Set("isa", "x86-64-v4");
#elif defined(__AVX2__) && defined(__FMA__)
  o.Set("isa", "x86-64-v3");
#else
  o.Set("isa", "x86-64");
#endif
  return o;
}

}  // namespace

void InitCore(Napi::Env env, Napi::Object exports) {
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads));
  exports.Set("sgemm", Napi::Function::New(env, Sgemm));
  exports.Set("randomUniform", Napi::Function::New(env, RandomUniform));
  exports.Set("randomNormal", Napi::Function::New(env, RandomNormal));
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo));
}

}  // namespace binding
}  // namespace kiln
