// Bindings for native/kernels/attention.h.
#include <string>

#include "../kernels/attention.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

// attentionSoftmaxForward(probs, scores, mask | null, B, L, S, BM, scale, causal)
Napi::Value AttentionSoftmaxForward(const Napi::CallbackInfo& info) {
  const char* where = "attentionSoftmaxForward";
  expect_count(info, 9, where);
  FloatArray probs = float_array(info, 0, where, "probs");
  FloatArray scores = float_array(info, 1, where, "scores");
  FloatArray mask = optional_float_array(info, 2, where, "mask");
  int B = size(info, 3, where, "B");
  int L = size(info, 4, where, "L");
  int S = size(info, 5, where, "S");
  int BM = size(info, 6, where, "BM");
  double scale = number(info, 7, where, "scale");
  bool causal = boolean(info, 8, where, "causal");
  Napi::Env env = info.Env();
  if (BM != 1 && BM != B) {
    throw_range(env, std::string(where) + ": expected 1 or B (" + std::to_string(B) + ") for BM, got " + std::to_string(BM));
  }
  const double total = product({double(B), double(L), double(S)});
  expect_length(env, probs, total, where, "probs");
  expect_length(env, scores, total, where, "scores");
  expect_optional_length(env, mask, product({double(BM), double(L), double(S)}), where, "mask");
  attention_softmax_forward(probs.data, scores.data, mask.data, B, L, S, BM, float(scale), causal);
  return env.Undefined();
}

// attentionSoftmaxBackward(dscores, probs, dprobs, rows, S)
Napi::Value AttentionSoftmaxBackward(const Napi::CallbackInfo& info) {
  const char* where = "attentionSoftmaxBackward";
  expect_count(info, 5, where);
  FloatArray dscores = float_array(info, 0, where, "dscores");
  FloatArray probs = float_array(info, 1, where, "probs");
  FloatArray dprobs = float_array(info, 2, where, "dprobs");
  int rows = size(info, 3, where, "rows");
  int S = size(info, 4, where, "S");
  Napi::Env env = info.Env();
  const double total = product({double(rows), double(S)});
  expect_length(env, dscores, total, where, "dscores");
  expect_length(env, probs, total, where, "probs");
  expect_length(env, dprobs, total, where, "dprobs");
  attention_softmax_backward(dscores.data, probs.data, dprobs.data, rows, S);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
