// Helpers shared by the normalisation kernels (batchnorm, layernorm, rmsnorm): accurate sums
// over long runs, and row-parallel loops whose tasks accumulate parameter gradients privately.
#pragma once
#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../parallel.h"

namespace kiln {
namespace norm {

using ArrayMap = Eigen::Map<Eigen::ArrayXf>;
using ConstArrayMap = Eigen::Map<const Eigen::ArrayXf>;
using i64 = std::int64_t;

// Float sums over at most this many elements stay accurate (each of Eigen's packet lanes adds
// a few hundred terms) and the chunk fits in L1, so a second look at it is cheap; the chunks'
// sums are then added in double.
constexpr int kChunk = 4096;

// Below this many elements per task, threads cost more than they save.
constexpr i64 kGrainElems = i64(1) << 15;

// sum over chunks [j, j + len) of [0, D) of f(j, len), in double.
template <typename F>
double chunked_sum(int D, F f) {
  double s = 0;
  for (int j = 0; j < D; j += kChunk) s += f(j, std::min(kChunk, D - j));
  return s;
}

// Rows per task for row-parallel forwards.
inline std::size_t row_grain(int D) {
  return static_cast<std::size_t>(std::max<i64>(1, kGrainElems / std::max<i64>(1, D)));
}

// Runs body(row_begin, row_end, dweight, dbias) over contiguous blocks of the N rows in
// parallel. Parameter gradients are sums over rows, so each block adds into a private partial
// (the first block straight into the caller's arrays), and the partials are added at the end
// in block order. Null dweight/dbias stay null.
template <typename Body>
void rows_with_param_grads(int N, int D, float* dweight, float* dbias, Body body) {
  const i64 by_work = std::max<i64>(1, i64(N) * D / kGrainElems);
  const int blocks = static_cast<int>(std::max<i64>(1, std::min<i64>({i64(get_num_threads()), by_work, i64(N)})));
  const std::size_t per = static_cast<std::size_t>(D);
  std::vector<float> part_w(dweight ? (blocks - 1) * per : 0, 0.0f);
  std::vector<float> part_b(dbias ? (blocks - 1) * per : 0, 0.0f);
  parallel_for(static_cast<std::size_t>(blocks), 1, [&](std::size_t b, std::size_t e) {
    for (std::size_t t = b; t < e; ++t) {
      const int r0 = static_cast<int>(i64(N) * i64(t) / blocks);
      const int r1 = static_cast<int>(i64(N) * i64(t + 1) / blocks);
      float* dw = dweight ? (t == 0 ? dweight : part_w.data() + (t - 1) * per) : nullptr;
      float* db = dbias ? (t == 0 ? dbias : part_b.data() + (t - 1) * per) : nullptr;
      body(r0, r1, dw, db);
    }
  });
  for (int t = 1; t < blocks; ++t) {
    if (dweight) ArrayMap(dweight, D) += ConstArrayMap(part_w.data() + (t - 1) * per, D);
    if (dbias) ArrayMap(dbias, D) += ConstArrayMap(part_b.data() + (t - 1) * per, D);
  }
}

}  // namespace norm
}  // namespace kiln
