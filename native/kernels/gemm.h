// Matrix multiply on row-major float buffers, the building block of linear, matmul and conv.
//
// Sizes: M rows of the result, N columns of the result, K the contracted dimension.
//   c: (M, N)
//   a: (M, K), or (K, M) when trans_a
//   b: (K, N), or (N, K) when trans_b
#pragma once

namespace kiln {

// c = op(a) @ op(b) + beta * c, with beta 0 (overwrite; c may hold garbage) or 1 (accumulate,
// for gradients into shared weights). Transposes are read in place, never copied.
// Multithreaded over the rows of c (or its columns when M is small); packed AVX-512/AVX2
// micro-kernels (gemm.cc), Eigen for builds without AVX2+FMA.
void sgemm(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
           float beta);

// The same, always on the calling thread: for kernels that already parallelise an outer loop.
void sgemm_serial(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
                  float beta);

}  // namespace kiln
