// sgemm: a packed, cache-blocked GEMM with an intrinsics micro-kernel.
//
// The blocking is Goto's (Goto & van de Geijn, "Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 34(3), 2008) in the five-loop form of BLIS (Van Zee & van de Geijn,
// "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS 41(3), 2015).
// Because c is row-major, our micro-kernel vectorises along the columns of c (N) and
// broadcasts elements of a: b plays the part BLIS gives to A, and a the part of B. Hence the
// loop order below is BLIS's with the roles of the operands swapped.
//
// Sizes (see gemm.h for M, N, K):
//   MR     rows of c in one micro-tile: elements of a broadcast per k
//   NR     columns of c in one micro-tile: NV vectors of W floats loaded from packed b per k
//   KC     depth of one packed block (the k-slice every micro-kernel call runs over)
//   NC     columns of the packed b block, sized so KC x NC stays in L2
//   MC     rows of the packed a block, sized for L3 (and large, so b is packed once per KC-slice)
// Packed layouts:
//   a micro-panel: MR x kc, stored k-major: ap[k * MR + i]   (rows past M are zero)
//   b micro-panel: kc x NR, stored k-major: bp[k * NR + j]   (columns past N are zero)
// Loops (inner to outer): micro-kernel over kc; jr over the b micro-panels of the b block
// (streamed from L2); ir over the a micro-panels (each stays in L1 through the jr loop);
// jc over NC-wide b blocks; pc over KC-slices of K; ic over MC-tall a blocks.
//
// Transposes are handled while packing, so every combination costs the same. Matrix-vector
// and tiny products skip packing and use Eigen (see gemm_block), as do builds without
// AVX2+FMA (the x86-64 baseline prebuild, other CPUs).
// Threads split c into bands of whole micro-tiles and pack privately (see sgemm), so every
// element's k-sum runs in the same order at any thread count: results are bitwise identical.
#include "gemm.h"

#include <Eigen/Core>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <utility>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#define KILN_GEMM_PACKED 1
#endif

#include "../parallel.h"

namespace kiln {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Map = Eigen::Map<RowMat>;
using ConstMap = Eigen::Map<const RowMat>;

// Computes rows [r0, r1) and columns [c0, c1) of c with Eigen, which packs the blocks itself.
// The fallback for builds without AVX2+FMA.
void eigen_block(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
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

#ifdef KILN_GEMM_PACKED

#if defined(__AVX512F__)
// 32 zmm registers: 12 x 2 accumulators, 2 for the b row, 1 for the broadcast.
using Vec = __m512;
constexpr int W = 16;
constexpr int MR = 12;
constexpr int NV = 2;
inline Vec vload(const float* p) { return _mm512_loadu_ps(p); }
inline Vec vload_aligned(const float* p) { return _mm512_load_ps(p); }
inline void vstore(float* p, Vec v) { _mm512_storeu_ps(p, v); }
inline Vec vzero() { return _mm512_setzero_ps(); }
inline Vec vbroadcast(const float* p) { return _mm512_set1_ps(*p); }
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline Vec vadd(Vec a, Vec b) { return _mm512_add_ps(a, b); }
#else
// 16 ymm registers: 6 x 2 accumulators, 2 for the b row, 1 for the broadcast.
using Vec = __m256;
constexpr int W = 8;
constexpr int MR = 6;
constexpr int NV = 2;
inline Vec vload(const float* p) { return _mm256_loadu_ps(p); }
inline Vec vload_aligned(const float* p) { return _mm256_load_ps(p); }
inline void vstore(float* p, Vec v) { _mm256_storeu_ps(p, v); }
inline Vec vzero() { return _mm256_setzero_ps(); }
inline Vec vbroadcast(const float* p) { return _mm256_broadcast_ss(p); }
inline Vec vfma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline Vec vadd(Vec a, Vec b) { return _mm256_add_ps(a, b); }
#endif

constexpr int NR = NV * W;
constexpr int KC = 256;
constexpr int NC = 512;   // KC x NC x 4 bytes = 512 KiB of b: half of a 1 MiB L2
constexpr int MC = 1200;  // a multiple of MR; KC x MC x 4 bytes ~ 1.2 MiB of a, in L3

// c[0:R, 0:V*W] (row stride ldc) = (add ? c : 0) + ap^T bp over kc, for R <= MR rows and
// V <= NV vectors: the full tile is <MR, NV>; smaller ones serve the bottom and right edges of c,
// so a 32-row c costs 12 + 12 + 8 rows of work, not 36. ap and bp are packed micro-panels (MR
// floats of a and NR floats of b per k, whatever R and V are); bp is 64-byte aligned.
template <int R, int V>
void micro_kernel(int kc, const float* __restrict ap, const float* __restrict bp, float* __restrict c, int ldc,
                  bool add) {
  Vec acc[R][V];
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) acc[i][v] = vzero();
  // Start fetching the c tile now so its rows (ldc apart, often a page or more) have
  // arrived when the kc loop ends.
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + V * W - 1), _MM_HINT_T0);
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
  for (int k = 0; k < kc; ++k) {
    Vec bv[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) bv[v] = vload_aligned(bp + v * W);
#pragma GCC unroll 16
    for (int i = 0; i < R; ++i) {
      const Vec ai = vbroadcast(ap + i);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[i][v] = vfma(ai, bv[v], acc[i][v]);
    }
    ap += MR;
    bp += NR;
  }
#pragma GCC unroll 16
  for (int i = 0; i < R; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) {
      float* p = c + i * ldc + v * W;
      vstore(p, add ? vadd(vload(p), acc[i][v]) : acc[i][v]);
    }
}

using Kernel = void (*)(int, const float*, const float*, float*, int, bool);

template <int V, int... Rs>
constexpr std::array<Kernel, MR> kernels_for(std::integer_sequence<int, Rs...>) {
  return {&micro_kernel<Rs + 1, V>...};
}

// kTable[v - 1][r - 1]: the kernel for r rows and v vectors.
template <int... Vs>
constexpr std::array<std::array<Kernel, MR>, NV> kernel_table(std::integer_sequence<int, Vs...>) {
  return {kernels_for<Vs + 1>(std::make_integer_sequence<int, MR>{})...};
}
constexpr auto kTable = kernel_table(std::make_integer_sequence<int, NV>{});

// The m x n micro-tile at c (m <= MR, n <= NR). A tile whose width is not whole vectors is
// computed into a scratch tile, and the part of it that exists is written (or added) to c.
inline void run_tile(int kc, const float* ap, const float* bp, float* c, int ldc, bool add, int m, int n) {
  const int v = (n + W - 1) / W;
  if (v * W == n) return kTable[v - 1][m - 1](kc, ap, bp, c, ldc, add);
  alignas(64) float tile[MR * NR];
  kTable[v - 1][m - 1](kc, ap, bp, tile, NR, false);
  for (int i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    const float* t = tile + i * NR;
    if (add)
      for (int j = 0; j < n; ++j) row[j] += t[j];
    else
      for (int j = 0; j < n; ++j) row[j] = t[j];
  }
}

// dst[k * P + i] = src[i * ss + k] for i < n (n <= P), k < kc, and 0 for n <= i < P: packs n
// rows that are contiguous in k into k-major order, for row-major a and transposed b. Whole
// 8 x 8 blocks go through registers (the classic unpack/shuffle/permute transpose) so that
// both the reads and the writes are full vectors; the rest is scalar.
void pack_rows_transposed(float* __restrict dst, int P, const float* src, std::ptrdiff_t ss, int n, int kc) {
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const float* s = src + i * ss;
    int k = 0;
    for (; k + 8 <= kc; k += 8) {
      __m256 r[8];
      for (int t = 0; t < 8; ++t) r[t] = _mm256_loadu_ps(s + t * ss + k);
      __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
      __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
      __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
      __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
      __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
      __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
      __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
      __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
      float* d = dst + static_cast<std::ptrdiff_t>(k) * P + i;
      _mm256_storeu_ps(d + 0 * P, _mm256_permute2f128_ps(u0, u4, 0x20));
      _mm256_storeu_ps(d + 1 * P, _mm256_permute2f128_ps(u1, u5, 0x20));
      _mm256_storeu_ps(d + 2 * P, _mm256_permute2f128_ps(u2, u6, 0x20));
      _mm256_storeu_ps(d + 3 * P, _mm256_permute2f128_ps(u3, u7, 0x20));
      _mm256_storeu_ps(d + 4 * P, _mm256_permute2f128_ps(u0, u4, 0x31));
      _mm256_storeu_ps(d + 5 * P, _mm256_permute2f128_ps(u1, u5, 0x31));
      _mm256_storeu_ps(d + 6 * P, _mm256_permute2f128_ps(u2, u6, 0x31));
      _mm256_storeu_ps(d + 7 * P, _mm256_permute2f128_ps(u3, u7, 0x31));
    }
    for (; k < kc; ++k)
      for (int t = 0; t < 8; ++t) dst[static_cast<std::ptrdiff_t>(k) * P + i + t] = s[t * ss + k];
  }
  for (; i < n; ++i)
    for (int k = 0; k < kc; ++k) dst[static_cast<std::ptrdiff_t>(k) * P + i] = src[i * ss + k];
  for (; i < P; ++i)
    for (int k = 0; k < kc; ++k) dst[static_cast<std::ptrdiff_t>(k) * P + i] = 0.0f;
}

// Packs rows [0, m) x depth [0, kc) of a, where a(i, k) = a[i * rs + k * cs], into MR-row
// micro-panels, zero-padding the last one to MR rows.
void pack_a(float* __restrict ap, const float* a, int rs, int cs, int m, int kc) {
  for (int i0 = 0; i0 < m; i0 += MR) {
    const int mr = std::min(MR, m - i0);
    const float* src = a + static_cast<std::ptrdiff_t>(i0) * rs;
    if (rs == 1) {
      // trans_a: the MR values of one k are contiguous.
      for (int k = 0; k < kc; ++k) {
        const float* s = src + static_cast<std::ptrdiff_t>(k) * cs;
        int i = 0;
        for (; i < mr; ++i) ap[i] = s[i];
        for (; i < MR; ++i) ap[i] = 0.0f;
        ap += MR;
      }
    } else {
      // Row-major a: MR rows, each contiguous in k.
      pack_rows_transposed(ap, MR, src, rs, mr, kc);
      ap += static_cast<std::ptrdiff_t>(kc) * MR;
    }
  }
}

// Packs depth [0, kc) x columns [0, n) of b, where b(k, j) = b[k * rs + j * cs], into NR-column
// micro-panels, zero-padding the last one to NR columns.
void pack_b(float* __restrict bp, const float* b, int rs, int cs, int kc, int n) {
  for (int j0 = 0; j0 < n; j0 += NR) {
    const int nr = std::min(NR, n - j0);
    const float* src = b + static_cast<std::ptrdiff_t>(j0) * cs;
    if (cs == 1) {
      // Row-major b: each k is a contiguous run of NR floats.
      for (int k = 0; k < kc; ++k) {
        const float* s = src + static_cast<std::ptrdiff_t>(k) * rs;
        if (nr == NR) {
#pragma GCC unroll 4
          for (int v = 0; v < NV; ++v) _mm_prefetch(reinterpret_cast<const char*>(s + 8 * rs + v * W), _MM_HINT_T0);
          for (int v = 0; v < NV; ++v) vstore(bp + v * W, vload(s + v * W));
        } else {
          int j = 0;
          for (; j < nr; ++j) bp[j] = s[j];
          for (; j < NR; ++j) bp[j] = 0.0f;
        }
        bp += NR;
      }
    } else {
      // trans_b: column j of op(b) is row j of b, contiguous in k.
      pack_rows_transposed(bp, NR, src, cs, nr, kc);
      bp += kc * NR;
    }
  }
}

// A 64-byte aligned scratch buffer per thread, grown on demand and kept: the pool's threads
// live as long as the process, so steady-state calls allocate nothing.
struct Scratch {
  float* data = nullptr;
  std::size_t size = 0;
  ~Scratch() { std::free(data); }
  float* get(std::size_t n) {
    if (n > size) {
      std::free(data);
      data = static_cast<float*>(std::aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64));
      size = n;
    }
    return data;
  }
};

// Rows [r0, r1) and columns [c0, c1) of c on the calling thread.
void packed_block(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
                  float beta, int r0, int r1, int c0, int c1) {
  thread_local Scratch a_buf, b_buf;
  // a(i, k) = a[i * ars + k * acs]; b(k, j) = b[k * brs + j * bcs].
  const int ars = trans_a ? 1 : K, acs = trans_a ? M : 1;
  const int brs = trans_b ? 1 : N, bcs = trans_b ? K : 1;
  const int m_all = r1 - r0, n_all = c1 - c0;
  const int mc_max = std::min(MC, (m_all + MR - 1) / MR * MR);
  const int nc_max = std::min(NC, (n_all + NR - 1) / NR * NR);
  const int kc_max = std::min(KC, K);
  float* ap = a_buf.get(static_cast<std::size_t>(mc_max) * kc_max);
  float* bp = b_buf.get(static_cast<std::size_t>(nc_max) * kc_max);

  for (int ic = r0; ic < r1; ic += MC) {
    const int mc = std::min(MC, r1 - ic);
    for (int pc = 0; pc < K; pc += KC) {
      const int kc = std::min(KC, K - pc);
      // The first KC-slice applies beta; later ones accumulate onto it.
      const bool add = pc > 0 || beta != 0.0f;
      pack_a(ap, a + static_cast<std::ptrdiff_t>(ic) * ars + static_cast<std::ptrdiff_t>(pc) * acs, ars, acs, mc,
             kc);
      for (int jc = c0; jc < c1; jc += NC) {
        const int nc = std::min(NC, c1 - jc);
        pack_b(bp, b + static_cast<std::ptrdiff_t>(pc) * brs + static_cast<std::ptrdiff_t>(jc) * bcs, brs, bcs, kc,
               nc);
        for (int ir = 0; ir < mc; ir += MR) {
          const int mr = std::min(MR, mc - ir);
          const float* a_panel = ap + static_cast<std::ptrdiff_t>(ir) * kc;
          float* c_row = c + static_cast<std::ptrdiff_t>(ic + ir) * N + jc;
          for (int jr = 0; jr < nc; jr += NR) {
            const int nr = std::min(NR, nc - jr);
            const float* b_panel = bp + static_cast<std::ptrdiff_t>(jr) * kc;
            if (mr == MR && nr == NR)
              micro_kernel<MR, NV>(kc, a_panel, b_panel, c_row + jr, N, add);
            else
              run_tile(kc, a_panel, b_panel, c_row + jr, N, add, mr, nr);
          }
        }
      }
    }
  }
}

#endif  // KILN_GEMM_PACKED

void gemm_block(float* c, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
                float beta, int r0, int r1, int c0, int c1) {
#ifdef KILN_GEMM_PACKED
  // Packing pays for itself only when each packed value is used many times: a matrix-vector
  // product (one row or column of c) uses each packed value of the matrix once, and a tiny
  // product is all set-up. Eigen's GEMV and small-product paths handle those, unpacked.
  const int m = r1 - r0, n = c1 - c0;
  if (m == 1 || n == 1 || static_cast<double>(m) * n * K < 48.0 * 48 * 48)
    return eigen_block(c, a, b, M, N, K, trans_a, trans_b, beta, r0, r1, c0, c1);
  packed_block(c, a, b, M, N, K, trans_a, trans_b, beta, r0, r1, c0, c1);
#else
  eigen_block(c, a, b, M, N, K, trans_a, trans_b, beta, r0, r1, c0, c1);
#endif
}

void zero_if_empty_k(float* c, int M, int N, int K, float beta) {
  if (K == 0 && beta == 0.0f) Map(c, M, N).setZero();
}

#ifdef KILN_GEMM_PACKED
constexpr int kRowUnit = MR, kColUnit = NR;
#else
constexpr int kRowUnit = 16, kColUnit = 16;
#endif

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
  const int threads = get_num_threads();
  if (threads == 1 || flops < 1e6) return gemm_block(c, a, b, M, N, K, trans_a, trans_b, beta, 0, M, 0, N);
  // Each thread packs its own blocks of a and b: packing is O(MK + KN) against O(MNK) work,
  // and private buffers need no synchronisation. Split along the longer side of c, in whole
  // micro-tiles, so each thread's share of the shorter side's packing is small.
  const int row_tiles = (M + kRowUnit - 1) / kRowUnit, col_tiles = (N + kColUnit - 1) / kColUnit;
  if (M >= N || row_tiles >= 4 * threads) {
    parallel_for(static_cast<std::size_t>(row_tiles), 1, [&](std::size_t t0, std::size_t t1) {
      const int r0 = static_cast<int>(t0) * kRowUnit, r1 = std::min(M, static_cast<int>(t1) * kRowUnit);
      gemm_block(c, a, b, M, N, K, trans_a, trans_b, beta, r0, r1, 0, N);
    });
  } else {
    parallel_for(static_cast<std::size_t>(col_tiles), 1, [&](std::size_t t0, std::size_t t1) {
      const int c0 = static_cast<int>(t0) * kColUnit, c1 = std::min(N, static_cast<int>(t1) * kColUnit);
      gemm_block(c, a, b, M, N, K, trans_a, trans_b, beta, 0, M, c0, c1);
    });
  }
}

}  // namespace kiln
