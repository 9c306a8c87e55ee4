#include "gemm.h"

#include <Eigen/Core>

#include "../parallel.h"

namespace kiln {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Map = Eigen::Map<RowMat>;
using ConstMap = Eigen::Map<const RowMat>;

// Computes rows [r0, r1) and columns [c0, c1) of the result. Eigen's GEMM packs the blocks
// itself, so a transposed operand costs nothing extra.
void gemm_block(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
                float beta, int r0, int r1, int c0, int c1) {
  Map C(c, M, N);
  auto out = C.block(r0, c0, r1 - r0, c1 - c0);
  auto assign = [&](const auto& lhs, const auto& rhs) {
    if (beta == 0.0f)
      out.noalias() = lhs * rhs;
    else
      out.noalias() += lhs * rhs;
  };
  auto with_b = [&](const auto& lhs) {
    if (trans_b) {
      ConstMap B(b, N, K);
      assign(lhs, B.middleRows(c0, c1 - c0).transpose());
    } else {
      ConstMap B(b, K, N);
      assign(lhs, B.middleCols(c0, c1 - c0));
    }
  };
  if (trans_a) {
    ConstMap A(a, K, M);
    with_b(A.middleCols(r0, r1 - r0).transpose());
  } else {
    ConstMap A(a, M, K);
    with_b(A.middleRows(r0, r1 - r0));
  }
}

void zero_if_empty_k(float* c, int M, int N, int K, float beta) {
  if (K == 0 && beta == 0.0f) Map(c, M, N).setZero();
}

}  // namespace

void sgemm_serial(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
                  float beta) {
  if (M == 0 || N == 0) return;
  if (K == 0) return zero_if_empty_k(c, M, N, K, beta);
  gemm_block(c, a, b, M, N, K, trans_a, trans_b, beta, 0, M, 0, N);
}

void sgemm(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b, float beta) {
  if (M == 0 || N == 0) return;
  if (K == 0) return zero_if_empty_k(c, M, N, K, beta);
  // Below ~1 MFLOP a thread hand-off costs more than it saves.
  const double flops = 2.0 * M * N * K;
  if (get_num_threads() == 1 || flops < 1e6) return gemm_block(c, a, b, M, N, K, trans_a, trans_b, beta, 0, M, 0, N);
  const int threads = get_num_threads();
  if (M >= N || M >= 16 * threads) {
    // Row bands keep each thread's slice of c contiguous; 16-row multiples match Eigen's micro-kernel.
    parallel_for(static_cast<std::size_t>(M), 16, [&](std::size_t r0, std::size_t r1) {
      gemm_block(c, a, b, M, N, K, trans_a, trans_b, beta, static_cast<int>(r0), static_cast<int>(r1), 0, N);
    });
  } else {
    parallel_for(static_cast<std::size_t>(N), 16, [&](std::size_t c0, std::size_t c1) {
      gemm_block(c, a, b, M, N, K, trans_a, trans_b, beta, 0, M, static_cast<int>(c0), static_cast<int>(c1));
    });
  }
}

}  // namespace kiln
