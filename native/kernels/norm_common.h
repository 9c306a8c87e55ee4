// Helpers shared by the normalisation kernels (batchnorm, layernorm, rmsnorm): reproducible,
// accurate sums over long runs, and row-parallel loops whose tasks accumulate parameter
// gradients privately.
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

// Sums are accumulated in kLanes float lanes (lane j takes elements j, j + kLanes, ...) over
// chunks of at most kChunk elements, and the chunks' totals are added in double. Why:
// - Reproducibility: the order of additions depends only on n, not on the buffer's address
//   (Eigen's own reductions peel to alignment, so their rounding changed from run to run
//   with where V8 put the arrays). Different instruction sets (prebuild variants) may still
//   round differently elsewhere, e.g. by fusing multiply-adds.
// - Accuracy: each lane adds at most kChunk / kLanes = 128 terms in float.
// - Speed: a block of kLanes is a fixed-size Eigen array loaded unaligned, i.e. two AVX-512
//   (four AVX2) accumulators; a chunk (16 KB) stays in L1 for any second pass.
//
// A term is a generic lambda of a loader: term(ld) reads its inputs as ld(pointer), which is
// a kLanes block at i in the vector body and the float at i in the tail, so one lambda
// serves both, e.g. [&](auto ld) { return sq(ld(x) - m); }.
constexpr int kLanes = 32;
constexpr int kChunk = 4096;

// Below this many elements per task, threads cost more than they save.
constexpr i64 kGrainElems = i64(1) << 15;

using Lanes = Eigen::Array<float, kLanes, 1>;

struct BlockLoad {
  int i;
  Eigen::Map<const Lanes> operator()(const float* p) const { return Eigen::Map<const Lanes>(p + i); }
};

struct ScalarLoad {
  int i;
  float operator()(const float* p) const { return p[i]; }
};

// x^2 for a float or an Eigen array expression.
inline float sq(float v) { return v * v; }
template <typename E>
inline auto sq(const Eigen::ArrayBase<E>& v) {
  return v.derived().square();
}

// Sums of term1 and term2 over [0, n) in one pass, see above.
template <typename T1, typename T2>
inline void lane_sum2(int n, T1 term1, T2 term2, double& s1, double& s2) {
  s1 = 0;
  s2 = 0;
  for (int c = 0; c < n; c += kChunk) {
    const int e = std::min(n, c + kChunk);
    Lanes a = Lanes::Zero(), b = Lanes::Zero();
    int i = c;
    for (; i + kLanes <= e; i += kLanes) {
      a += term1(BlockLoad{i});
      b += term2(BlockLoad{i});
    }
    float ta = 0, tb = 0;
    for (; i < e; ++i) {
      ta += term1(ScalarLoad{i});
      tb += term2(ScalarLoad{i});
    }
    for (int j = 0; j < kLanes; ++j) {
      ta += a[j];
      tb += b[j];
    }
    s1 += ta;
    s2 += tb;
  }
}

// The sum of term over [0, n), see above.
template <typename T>
inline double lane_sum(int n, T term) {
  double total = 0;
  for (int c = 0; c < n; c += kChunk) {
    const int e = std::min(n, c + kChunk);
    Lanes a = Lanes::Zero();
    int i = c;
    for (; i + kLanes <= e; i += kLanes) a += term(BlockLoad{i});
    float t = 0;
    for (; i < e; ++i) t += term(ScalarLoad{i});
    for (int j = 0; j < kLanes; ++j) t += a[j];
    total += t;
  }
  return total;
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
