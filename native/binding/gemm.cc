// Bindings for native/kernels/gemm.h.
#include "../kernels/gemm.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

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

}  // namespace binding
}  // namespace kiln
