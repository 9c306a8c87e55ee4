// Bindings for native/kernels/crossentropy.h.
#include "../kernels/crossentropy.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

// Every target must name a class or be ignore_index: the kernels index logits with the others.
void check_targets(Napi::Env env, const IntArray& targets, int C, int ignore_index, const char* where) {
  for (std::size_t i = 0; i < targets.length; i++) {
    const std::int32_t t = targets.data[i];
    if ((t < 0 || t >= C) && t != ignore_index)
      throw_range(env, std::string(where) + ": expected class indices in [0, " + std::to_string(C) + ") or ignoreIndex for targets, got " +
                           std::to_string(t) + " at index " + std::to_string(i));
  }
}

float smoothing_arg(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  double eps = number(info, i, where, "labelSmoothing");
  if (eps < 0.0 || eps > 1.0) throw_range(info.Env(), std::string(where) + ": expected a number in [0, 1] for labelSmoothing, got " + describe(info[i]));
  return static_cast<float>(eps);
}

}  // namespace

int ignore_arg(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  return static_cast<int>(integer(info, i, where, "ignoreIndex", -2147483647 - 1, 2147483647));
}

// crossentropyForward(losses, lse, logits, targets, N, C, D, labelSmoothing, ignoreIndex)
Napi::Value CrossentropyForward(const Napi::CallbackInfo& info) {
  const char* where = "crossentropyForward";
  expect_count(info, 9, where);
  FloatArray losses = float_array(info, 0, where, "losses");
  FloatArray lse = float_array(info, 1, where, "lse");
  FloatArray logits = float_array(info, 2, where, "logits");
  IntArray targets = int32_array(info, 3, where, "targets");
  int N = size(info, 4, where, "N"), C = size(info, 5, where, "C"), D = size(info, 6, where, "D");
  float eps = smoothing_arg(info, 7, where);
  int ignore_index = ignore_arg(info, 8, where);
  Napi::Env env = info.Env();
  if (C < 1) throw_range(env, std::string(where) + ": expected at least 1 class for C, got 0");
  const double R = product({double(N), double(D)});
  expect_length(env, losses, R, where, "losses");
  expect_length(env, lse, R, where, "lse");
  expect_length(env, logits, product({double(N), double(C), double(D)}), where, "logits");
  expect_length(env, targets, R, where, "targets");
  check_targets(env, targets, C, ignore_index, where);
  crossentropy_forward(losses.data, lse.data, logits.data, targets.data, N, C, D, eps, ignore_index);
  return env.Undefined();
}

// crossentropyBackward(dlogits, dloss, logits, lse, targets, N, C, D, labelSmoothing, ignoreIndex)
// dloss holds one gradient per row, or a single one shared by every row.
Napi::Value CrossentropyBackward(const Napi::CallbackInfo& info) {
  const char* where = "crossentropyBackward";
  expect_count(info, 10, where);
  FloatArray dlogits = float_array(info, 0, where, "dlogits");
  FloatArray dloss = float_array(info, 1, where, "dloss");
  FloatArray logits = float_array(info, 2, where, "logits");
  FloatArray lse = float_array(info, 3, where, "lse");
  IntArray targets = int32_array(info, 4, where, "targets");
  int N = size(info, 5, where, "N"), C = size(info, 6, where, "C"), D = size(info, 7, where, "D");
  float eps = smoothing_arg(info, 8, where);
  int ignore_index = ignore_arg(info, 9, where);
  Napi::Env env = info.Env();
  if (C < 1) throw_range(env, std::string(where) + ": expected at least 1 class for C, got 0");
  const double R = product({double(N), double(D)});
  const double L = product({double(N), double(C), double(D)});
  expect_length(env, dlogits, L, where, "dlogits");
  expect_length(env, logits, L, where, "logits");
  expect_length(env, lse, R, where, "lse");
  expect_length(env, targets, R, where, "targets");
  if (static_cast<double>(dloss.length) != R && dloss.length != 1)
    throw_range(env, std::string(where) + ": expected dloss to hold 1 or " + std::to_string(static_cast<long long>(R)) +
                         " elements, got " + std::to_string(dloss.length));
  check_targets(env, targets, C, ignore_index, where);
  const int stride = static_cast<double>(dloss.length) == R ? 1 : 0;
  crossentropy_backward(dlogits.data, dloss.data, stride, logits.data, lse.data, targets.data, N, C, D, eps, ignore_index);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
