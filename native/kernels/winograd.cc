// Winograd F(2x2, 3x3) convolution (Lavin & Gray 2016). Each 2x2 block of outputs ("tile") is
//   Y = A^T [ (G g G^T) (.) (B^T d B) ] A
// for its 4x4 input patch d and the 3x3 kernel g, where (.) is the elementwise product, summed
// over input channels; with
//   B^T = [1  0 -1  0]    G = [ 1    0    0 ]    A^T = [1  1  1  0]
//         [0  1  1  0]        [1/2  1/2  1/2]          [0  1 -1 -1]
//         [0 -1  1  0]        [1/2 -1/2  1/2]
//         [0  1  0 -1]        [ 0    0    1 ]
// The channel sum at each of the 16 transform positions is a matrix product, so a layer becomes
// 16 GEMMs of (tiles x C) @ (C x OC): 16 multiplies per 2x2 outputs and channel pair instead of
// 4 * 9 = 36 for im2col + GEMM, 2.25x fewer. The GEMMs run at about the same rate as im2col's,
// and the transforms and repacking cost back part of the saving: on a 32->64 channel layer on
// 14x14 maps, batch 64, one thread, forward 6.5 -> 4.2 ms, weight gradient 6.7 -> 4.1 ms,
// input gradient 6.9 -> 4.7 ms.
//
// Layout: the transforms run as vector loops over channels, so activations are repacked
// channels-last (P[s][hp][wp][c], zero-padded) per block of samples; the 16 transformed
// matrices V[16][tiles][C] and products M[16][tiles][OC] of one block stay in L2; results are
// written back to NCHW by a transpose (16x16 register blocks, transpose.h). Each thread takes
// whole samples (no synchronisation); the weight gradient is summed per thread in the
// transformed domain and folded back once.
//
// Exactness: the transforms are exact in real arithmetic (the result is the convolution, not an
// approximation); in float32 their 1/2 and +-1 coefficients cost a few ulps, well inside the
// tolerance to which two GEMM orders agree.
#include "winograd.h"

#include <Eigen/Core>
#include <algorithm>
#include <cstring>
#include <vector>

#include "../parallel.h"
#include "gemm.h"
#include "scratch.h"
#include "transpose.h"

namespace kiln {
namespace {

using RowMat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Tiles per block: V and M of a 32->64 channel block then take 0.6 MB, inside a 1 MB L2.
constexpr int kTilesPerBlock = 96;
// Channels per vector step of the transforms: one AVX-512 register, two AVX ones.
constexpr int kLanes = 16;

// A convolution Cin -> Cout run by Winograd: dims of its input and output, padding (negative
// padding crops, which the input-gradient convolution needs when PH > 2), and its tiling. Work
// goes in blocks of about kTilesPerBlock tiles: several whole samples when they are small, or
// bands of tile rows of one sample when it is large, so that scratch stays bounded.
struct Plan {
  int N, Cin, H, W, Cout, pad_t, pad_l, OH, OW;
  int TH, TW, Wp;  // tiles down and across; padded input width (2 TW + 2)
  int nb, rb;      // samples per block, tile rows per block
  Plan(int N_, int Cin_, int H_, int W_, int Cout_, int pad_t_, int pad_l_, int OH_, int OW_)
      : N(N_), Cin(Cin_), H(H_), W(W_), Cout(Cout_), pad_t(pad_t_), pad_l(pad_l_), OH(OH_), OW(OW_) {
    TH = (OH + 1) / 2;
    TW = (OW + 1) / 2;
    Wp = 2 * TW + 2;
    if (TH * TW <= kTilesPerBlock) {
      nb = kTilesPerBlock / (TH * TW);
      rb = TH;
    } else {
      nb = 1;
      rb = std::max(1, kTilesPerBlock / TW);
    }
  }
  std::size_t max_tiles() const { return static_cast<std::size_t>(nb) * rb * TW; }
};

// Samples [s0, s0 + S), tile rows [th0, th0 + R) of each.
struct Block {
  int s0, S, th0, R;
  std::size_t tiles(const Plan& p) const { return static_cast<std::size_t>(S) * R * p.TW; }
};

// Calls fn(block) for every block of samples [n0, n1).
template <typename Fn>
void for_blocks(const Plan& p, int n0, int n1, Fn fn) {
  for (int s0 = n0; s0 < n1; s0 += p.nb)
    for (int th0 = 0; th0 < p.TH; th0 += p.rb) fn(Block{s0, std::min(p.nb, n1 - s0), th0, std::min(p.rb, p.TH - th0)});
}

// P[s][r][wp][c] = x[s][c][row0 + r][wp - pad_l] for r in [0, rows), wp in [0, Wp), zero outside
// the plane: channels last, so that the transforms below are vector loops over channels.
void pack_channels_last(float* P, const float* x, int S, int C, int H, int W, int row0, int rows, int Wp, int pad_l) {
  const std::ptrdiff_t plane = static_cast<std::ptrdiff_t>(H) * W;
  const int wp0 = std::min(Wp, std::max(0, pad_l));
  const int wp1 = std::max(wp0, std::min(Wp, W + pad_l));
  for (int s = 0; s < S; ++s) {
    float* Ps = P + static_cast<std::size_t>(s) * rows * Wp * C;
    const float* xs = x + static_cast<std::size_t>(s) * C * plane;
    for (int r = 0; r < rows; ++r) {
      float* row = Ps + static_cast<std::size_t>(r) * Wp * C;
      const int h = row0 + r;
      if (h < 0 || h >= H || wp1 == wp0) {
        std::memset(row, 0, sizeof(float) * Wp * C);
        continue;
      }
      std::memset(row, 0, sizeof(float) * wp0 * C);
      std::memset(row + static_cast<std::size_t>(wp1) * C, 0, sizeof(float) * (Wp - wp1) * C);
      // row[wp][c] = x[c][h][wp - pad_l]: a (C x n) block of the plane, transposed.
      transpose(row + static_cast<std::size_t>(wp0) * C, C, xs + static_cast<std::ptrdiff_t>(h) * W + (wp0 - pad_l), plane, C,
                wp1 - wp0, false);
    }
  }
}

// L channels at p, for writing (a function, so that `at<L>(p) = ...` cannot parse as a
// declaration the way a bare Eigen::Map temporary on the left of = does).
template <int L>
inline Eigen::Map<Eigen::Array<float, L, 1>> at(float* p) {
  return Eigen::Map<Eigen::Array<float, L, 1>>(p);
}

// One tile's B^T d B over L channels: d(i, j) points at the patch element (i, j), channel c0;
// out[k] (k = 4 xi + nu) receives position (xi, nu).
template <int L>
inline void input_tile(float* const out[16], const float* d, std::ptrdiff_t di, std::ptrdiff_t dj) {
  using Vec = Eigen::Array<float, L, 1>;
  using In = Eigen::Map<const Vec>;
  Vec t[4][4];
  for (int j = 0; j < 4; ++j) {
    const Vec d0 = In(d + j * dj), d1 = In(d + di + j * dj), d2 = In(d + 2 * di + j * dj), d3 = In(d + 3 * di + j * dj);
    t[0][j] = d0 - d2;
    t[1][j] = d1 + d2;
    t[2][j] = d2 - d1;
    t[3][j] = d1 - d3;
  }
  for (int x = 0; x < 4; ++x) {
    at<L>(out[4 * x + 0]) = t[x][0] - t[x][2];
    at<L>(out[4 * x + 1]) = t[x][1] + t[x][2];
    at<L>(out[4 * x + 2]) = t[x][2] - t[x][1];
    at<L>(out[4 * x + 3]) = t[x][1] - t[x][3];
  }
}

// V[k][t][c] = (B^T d_t B)[k] for every tile t of a block packed in P (2 R + 2 rows a sample).
void input_transform(float* V, const float* P, const Block& b, const Plan& p, int C) {
  const std::size_t Tb = b.tiles(p);
  const int rows = 2 * b.R + 2;
  const std::ptrdiff_t di = static_cast<std::ptrdiff_t>(p.Wp) * C, dj = C;
  float* out[16];
  for (int s = 0; s < b.S; ++s) {
    for (int th = 0; th < b.R; ++th) {
      for (int tw = 0; tw < p.TW; ++tw) {
        const std::size_t t = (static_cast<std::size_t>(s) * b.R + th) * p.TW + tw;
        const float* d = P + ((static_cast<std::size_t>(s) * rows + 2 * th) * p.Wp + 2 * tw) * C;
        int c = 0;
        for (; c + kLanes <= C; c += kLanes) {
          for (int k = 0; k < 16; ++k) out[k] = V + (k * Tb + t) * C + c;
          input_tile<kLanes>(out, d + c, di, dj);
        }
        for (; c < C; ++c) {
          for (int k = 0; k < 16; ++k) out[k] = V + (k * Tb + t) * C + c;
          input_tile<1>(out, d + c, di, dj);
        }
      }
    }
  }
}

// One tile's A^T m A over L channels: m[k] points at position k; y(a, b) = y + a*ya + b*yb.
template <int L>
inline void output_tile(float* y, std::ptrdiff_t ya, std::ptrdiff_t yb, bool two_rows, bool two_cols,
                        const float* const m[16]) {
  using Vec = Eigen::Array<float, L, 1>;
  using In = Eigen::Map<const Vec>;
  Vec s0[4], s1[4];
  for (int j = 0; j < 4; ++j) {
    const Vec m0 = In(m[j]), m1 = In(m[4 + j]), m2 = In(m[8 + j]), m3 = In(m[12 + j]);
    s0[j] = m0 + m1 + m2;
    s1[j] = m1 - m2 - m3;
  }
  at<L>(y) = s0[0] + s0[1] + s0[2];
  if (two_cols) at<L>(y + yb) = s0[1] - s0[2] - s0[3];
  if (two_rows) {
    at<L>(y + ya) = s1[0] + s1[1] + s1[2];
    if (two_cols) at<L>(y + ya + yb) = s1[1] - s1[2] - s1[3];
  }
}

// Output rows of a block: 2 R, cropped at OH.
inline int block_out_rows(const Block& b, const Plan& p) { return std::min(p.OH - 2 * b.th0, 2 * b.R); }

// Y[s][oh - 2 th0][ow][oc] = (A^T M_t A) for every tile of a block, cropped to OH x OW.
void output_transform(float* Y, const float* M, const Block& b, const Plan& p) {
  const int C = p.Cout;
  const std::size_t Tb = b.tiles(p);
  const int rows = block_out_rows(b, p);
  const std::ptrdiff_t ya = static_cast<std::ptrdiff_t>(p.OW) * C, yb = C;
  const float* m[16];
  for (int s = 0; s < b.S; ++s) {
    for (int th = 0; th < b.R; ++th) {
      const bool two_rows = 2 * th + 1 < rows;
      for (int tw = 0; tw < p.TW; ++tw) {
        const bool two_cols = 2 * tw + 1 < p.OW;
        const std::size_t t = (static_cast<std::size_t>(s) * b.R + th) * p.TW + tw;
        float* y = Y + ((static_cast<std::size_t>(s) * rows + 2 * th) * p.OW + 2 * tw) * C;
        int c = 0;
        for (; c + kLanes <= C; c += kLanes) {
          for (int k = 0; k < 16; ++k) m[k] = M + (k * Tb + t) * C + c;
          output_tile<kLanes>(y + c, ya, yb, two_rows, two_cols, m);
        }
        for (; c < C; ++c) {
          for (int k = 0; k < 16; ++k) m[k] = M + (k * Tb + t) * C + c;
          output_tile<1>(y + c, ya, yb, two_rows, two_cols, m);
        }
      }
    }
  }
}

// One tile's A d A^T over L channels (the adjoint of output_tile): d(a, b) = d + a*da + b*db.
template <int L>
inline void grad_output_tile(float* const out[16], const float* d, std::ptrdiff_t da, std::ptrdiff_t db) {
  using Vec = Eigen::Array<float, L, 1>;
  using In = Eigen::Map<const Vec>;
  const Vec d00 = In(d), d01 = In(d + db), d10 = In(d + da), d11 = In(d + da + db);
  // Rows of A d: (d0, d0 + d1, d0 - d1, -d1) for each column b.
  const Vec r[4][2] = {{d00, d01}, {d00 + d10, d01 + d11}, {d00 - d10, d01 - d11}, {-d10, -d11}};
  for (int x = 0; x < 4; ++x) {
    at<L>(out[4 * x + 0]) = r[x][0];
    at<L>(out[4 * x + 1]) = r[x][0] + r[x][1];
    at<L>(out[4 * x + 2]) = r[x][0] - r[x][1];
    at<L>(out[4 * x + 3]) = -r[x][1];
  }
}

// dM[k][t][oc] = (A dY_t A^T)[k], with a block of dY packed as Q[s][2 R][2 TW][oc] (zero past
// OH, OW).
void grad_output_transform(float* dM, const float* Q, const Block& b, const Plan& p) {
  const int C = p.Cout;
  const std::size_t Tb = b.tiles(p);
  const std::ptrdiff_t da = static_cast<std::ptrdiff_t>(2 * p.TW) * C, db = C;
  float* out[16];
  for (int s = 0; s < b.S; ++s) {
    for (int th = 0; th < b.R; ++th) {
      for (int tw = 0; tw < p.TW; ++tw) {
        const std::size_t t = (static_cast<std::size_t>(s) * b.R + th) * p.TW + tw;
        const float* d = Q + ((static_cast<std::size_t>(s) * 2 * b.R + 2 * th) * 2 * p.TW + 2 * tw) * C;
        int c = 0;
        for (; c + kLanes <= C; c += kLanes) {
          for (int k = 0; k < 16; ++k) out[k] = dM + (k * Tb + t) * C + c;
          grad_output_tile<kLanes>(out, d + c, da, db);
        }
        for (; c < C; ++c) {
          for (int k = 0; k < 16; ++k) out[k] = dM + (k * Tb + t) * C + c;
          grad_output_tile<1>(out, d + c, da, db);
        }
      }
    }
  }
}

constexpr float kG[4][3] = {{1.0f, 0.0f, 0.0f}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0.0f, 0.0f, 1.0f}};

// U[k][ci][co] = (G g G^T)[k] with g(ci, co) the 3x3 kernel from input channel ci to output
// channel co, read through `kernel` (so the input gradient can pass a flipped, transposed view).
template <typename Kernel>
void weight_transform(float* U, int Cin, int Cout, Kernel kernel) {
  for (int ci = 0; ci < Cin; ++ci) {
    for (int co = 0; co < Cout; ++co) {
      float g[3][3], Gg[4][3];
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) g[i][j] = kernel(ci, co, i, j);
      for (int x = 0; x < 4; ++x)
        for (int j = 0; j < 3; ++j) Gg[x][j] = kG[x][0] * g[0][j] + kG[x][1] * g[1][j] + kG[x][2] * g[2][j];
      for (int x = 0; x < 4; ++x)
        for (int n = 0; n < 4; ++n)
          U[(static_cast<std::size_t>(4 * x + n) * Cin + ci) * Cout + co] =
              Gg[x][0] * kG[n][0] + Gg[x][1] * kG[n][1] + Gg[x][2] * kG[n][2];
    }
  }
}

// Splits [0, N) into `parts` contiguous runs; part t is [begin, end).
inline void split(int N, int parts, int t, int* begin, int* end) {
  *begin = static_cast<int>(static_cast<long long>(N) * t / parts);
  *end = static_cast<int>(static_cast<long long>(N) * (t + 1) / parts);
}

// Runs fn(n0, n1) over contiguous runs of samples, one run per thread.
template <typename Fn>
void over_samples(int N, Fn fn) {
  const int T = std::max(1, std::min(get_num_threads(), N));
  if (T == 1) return fn(0, N, 0);
  parallel_for(static_cast<std::size_t>(T), 1, [&](std::size_t t0, std::size_t t1) {
    for (std::size_t t = t0; t < t1; ++t) {
      int n0, n1;
      split(N, T, static_cast<int>(t), &n0, &n1);
      fn(n0, n1, static_cast<int>(t));
    }
  });
}

// out (N, Cout, OH, OW) = (or += with accumulate) the convolution of inp (N, Cin, H, W) whose
// kernel is transformed into U[16][Cin][Cout], plus bias.
void run_conv(float* out, const float* inp, const float* U, const float* bias, const Plan& p, bool accumulate) {
  const std::size_t in_size = static_cast<std::size_t>(p.Cin) * p.H * p.W;
  const std::size_t out_plane = static_cast<std::size_t>(p.OH) * p.OW;
  const std::size_t Tmax = p.max_tiles();
  const std::size_t P_len = static_cast<std::size_t>(p.nb) * (2 * p.rb + 2) * p.Wp * p.Cin;
  const std::size_t V_len = 16 * Tmax * p.Cin, M_len = 16 * Tmax * p.Cout;
  const std::size_t Y_len = static_cast<std::size_t>(p.nb) * 2 * p.rb * p.OW * p.Cout;
  over_samples(p.N, [&](int n0, int n1, int) {
    float* P = scratch(P_len + V_len + M_len + Y_len);
    float* V = P + P_len;
    float* M = V + V_len;
    float* Y = M + M_len;
    for_blocks(p, n0, n1, [&](const Block& b) {
      const std::size_t Tb = b.tiles(p);
      pack_channels_last(P, inp + b.s0 * in_size, b.S, p.Cin, p.H, p.W, 2 * b.th0 - p.pad_t, 2 * b.R + 2, p.Wp, p.pad_l);
      input_transform(V, P, b, p, p.Cin);
      for (int k = 0; k < 16; ++k)
        sgemm_serial(M + k * Tb * p.Cout, V + k * Tb * p.Cin, U + static_cast<std::size_t>(k) * p.Cin * p.Cout,
                     static_cast<int>(Tb), p.Cout, p.Cin, false, false, 0.0f);
      output_transform(Y, M, b, p);
      const int rows = block_out_rows(b, p);
      const std::size_t cols = static_cast<std::size_t>(rows) * p.OW;
      for (int s = 0; s < b.S; ++s) {
        // This block's output rows are one column band of the sample's (Cout x OH*OW) matrix.
        float* band = out + (b.s0 + s) * p.Cout * out_plane + static_cast<std::size_t>(2 * b.th0) * p.OW;
        transpose(band, out_plane, Y + s * cols * p.Cout, p.Cout, static_cast<int>(cols), p.Cout, accumulate);
        if (bias != nullptr) {
          Eigen::Map<RowMat, 0, Eigen::OuterStride<>> B(band, p.Cout, cols, Eigen::OuterStride<>(out_plane));
          B.colwise() += Eigen::Map<const Eigen::VectorXf>(bias, p.Cout);
        }
      }
    });
    trim_scratch();
  });
}

}  // namespace

bool winograd_applies(int N, int C, int OC, int KH, int KW, int SH, int SW, int OH, int OW) {
  // One sample on several threads stays on im2col, whose GEMMs thread; Winograd threads over
  // samples only.
  return KH == 3 && KW == 3 && SH == 1 && SW == 1 && C >= 8 && OC >= 8 && OH >= 1 && OW >= 1 &&
         (N > 1 || get_num_threads() == 1);
}

void winograd_forward(float* out, const float* inp, const float* weight, const float* bias, int N, int C, int H, int W,
                      int OC, int PH, int PW) {
  const Plan p(N, C, H, W, OC, PH, PW, H + 2 * PH - 2, W + 2 * PW - 2);
  std::vector<float> U(16 * static_cast<std::size_t>(C) * OC);
  weight_transform(U.data(), C, OC, [&](int c, int oc, int i, int j) { return weight[((oc * C + c) * 3 + i) * 3 + j]; });
  run_conv(out, inp, U.data(), bias, p, false);
}

void winograd_backward_input(float* dinp, const float* dout, const float* weight, int N, int C, int H, int W, int OC,
                             int PH, int PW) {
  // dinp[c, ih, iw] = sum_{oc, kh, kw} dout[oc, ih + PH - kh, iw + PW - kw] w[oc, c, kh, kw]:
  // a correlation of dout with w[oc, c, 2 - kh, 2 - kw], from OC channels to C, padding 2 - P.
  const int OH = H + 2 * PH - 2, OW = W + 2 * PW - 2;
  const Plan p(N, OC, OH, OW, C, 2 - PH, 2 - PW, H, W);
  std::vector<float> U(16 * static_cast<std::size_t>(C) * OC);
  weight_transform(U.data(), OC, C,
                   [&](int oc, int c, int i, int j) { return weight[((oc * C + c) * 3 + (2 - i)) * 3 + (2 - j)]; });
  run_conv(dinp, dout, U.data(), nullptr, p, true);
}

void winograd_backward_weight(float* dweight, const float* dout, const float* inp, int N, int C, int H, int W, int OC,
                              int PH, int PW) {
  const Plan p(N, C, H, W, OC, PH, PW, H + 2 * PH - 2, W + 2 * PW - 2);
  const std::size_t in_size = static_cast<std::size_t>(C) * H * W;
  const std::size_t out_size = static_cast<std::size_t>(OC) * p.OH * p.OW;
  const std::size_t Tmax = p.max_tiles();
  const std::size_t P_len = static_cast<std::size_t>(p.nb) * (2 * p.rb + 2) * p.Wp * C;
  const std::size_t Q_len = static_cast<std::size_t>(p.nb) * 2 * p.rb * 2 * p.TW * OC;
  const std::size_t V_len = 16 * Tmax * C, M_len = 16 * Tmax * OC;
  const std::size_t U_len = 16 * static_cast<std::size_t>(C) * OC;
  const int T = std::max(1, std::min(get_num_threads(), N));
  std::vector<float> dU(static_cast<std::size_t>(T) * U_len, 0.0f);  // one partial sum per thread
  over_samples(N, [&](int n0, int n1, int t) {
    float* P = scratch(P_len + Q_len + V_len + M_len);
    float* Q = P + P_len;
    float* V = Q + Q_len;
    float* dM = V + V_len;
    float* dUt = dU.data() + static_cast<std::size_t>(t) * U_len;
    for_blocks(p, n0, n1, [&](const Block& b) {
      const std::size_t Tb = b.tiles(p);
      pack_channels_last(P, inp + b.s0 * in_size, b.S, C, H, W, 2 * b.th0 - PH, 2 * b.R + 2, p.Wp, PW);
      input_transform(V, P, b, p, C);
      pack_channels_last(Q, dout + b.s0 * out_size, b.S, OC, p.OH, p.OW, 2 * b.th0, 2 * b.R, 2 * p.TW, 0);
      grad_output_transform(dM, Q, b, p);
      // dU[k] (C x OC) += V[k]^T (C x tiles) @ dM[k] (tiles x OC)
      for (int k = 0; k < 16; ++k)
        sgemm_serial(dUt + k * static_cast<std::size_t>(C) * OC, V + k * Tb * C, dM + k * Tb * OC, C, OC,
                     static_cast<int>(Tb), true, false, 1.0f);
    });
    trim_scratch();
  });
  for (int t = 1; t < T; ++t) {
    const float* src = dU.data() + static_cast<std::size_t>(t) * U_len;
    for (std::size_t i = 0; i < U_len; ++i) dU[i] += src[i];
  }
  // dW = G^T dU G, the adjoint of U = G g G^T.
  for (int c = 0; c < C; ++c) {
    for (int oc = 0; oc < OC; ++oc) {
      float u[4][4];
      for (int k = 0; k < 16; ++k) u[k / 4][k % 4] = dU[(static_cast<std::size_t>(k) * C + c) * OC + oc];
      float* dw = dweight + (static_cast<std::size_t>(oc) * C + c) * 9;
      for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
          float s = 0.0f;
          for (int x = 0; x < 4; ++x)
            for (int n = 0; n < 4; ++n) s += kG[x][i] * u[x][n] * kG[n][j];
          dw[i * 3 + j] += s;
        }
      }
    }
  }
}

}  // namespace kiln
