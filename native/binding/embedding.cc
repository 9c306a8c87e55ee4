// Bindings for native/kernels/embedding.h.
#include <cstdint>
#include <string>

#include "../kernels/embedding.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

// Every id must name a row: the kernels index the table with it.
void check_ids(Napi::Env env, const IntArray& ids, int V, const char* where) {
  for (std::size_t i = 0; i < ids.length; i++) {
    const std::int32_t t = ids.data[i];
    if (t < 0 || t >= V)
      throw_range(env, std::string(where) + ": expected ids in [0, " + std::to_string(V) + ") for ids, got " +
                           std::to_string(t) + " at index " + std::to_string(i));
  }
}

}  // namespace

// embeddingForward(out, weight, ids: Int32Array, n, V, E)
Napi::Value EmbeddingForward(const Napi::CallbackInfo& info) {
  const char* where = "embeddingForward";
  expect_count(info, 6, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray weight = float_array(info, 1, where, "weight");
  IntArray ids = int32_array(info, 2, where, "ids");
  int n = size(info, 3, where, "n"), V = size(info, 4, where, "V"), E = size(info, 5, where, "E");
  Napi::Env env = info.Env();
  expect_length(env, out, product({double(n), double(E)}), where, "out");
  expect_length(env, weight, product({double(V), double(E)}), where, "weight");
  expect_length(env, ids, double(n), where, "ids");
  check_ids(env, ids, V, where);
  embedding_forward(out.data, weight.data, ids.data, n, V, E);
  return env.Undefined();
}

// embeddingBackward(dweight, dout, ids: Int32Array, n, V, E, paddingIdx)
// paddingIdx: a row in [0, V) whose gradient stays zero, or -1 for none.
Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info) {
  const char* where = "embeddingBackward";
  expect_count(info, 7, where);
  FloatArray dweight = float_array(info, 0, where, "dweight");
  FloatArray dout = float_array(info, 1, where, "dout");
  IntArray ids = int32_array(info, 2, where, "ids");
  int n = size(info, 3, where, "n"), V = size(info, 4, where, "V"), E = size(info, 5, where, "E");
  int padding_idx = static_cast<int>(integer(info, 6, where, "paddingIdx", -1, 2147483646));
  Napi::Env env = info.Env();
  if (padding_idx >= V)
    throw_range(env, std::string(where) + ": expected -1 or a row in [0, " + std::to_string(V) + ") for paddingIdx, got " +
                         std::to_string(padding_idx));
  expect_length(env, dweight, product({double(V), double(E)}), where, "dweight");
  expect_length(env, dout, product({double(n), double(E)}), where, "dout");
  expect_length(env, ids, double(n), where, "ids");
  check_ids(env, ids, V, where);
  embedding_backward(dweight.data, dout.data, ids.data, n, V, E, padding_idx);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
