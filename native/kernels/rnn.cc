// Recurrent layers: the forward over a sequence and backpropagation through time (Werbos 1990).
// Sizes and formulas in rnn.h.
#include "rnn.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <vector>

#include "../parallel.h"
#include "gemm.h"

namespace kiln {
namespace {

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// Rows of a (rows, cols) matrix get the vector b added (b may be null).
void add_rows(float* m, const float* b, std::size_t rows, int cols) {
  if (b == nullptr) return;
  for (std::size_t r = 0; r < rows; r++) {
    float* row = m + r * cols;
    for (int j = 0; j < cols; j++) row[j] += b[j];
  }
}

// db += the column sums of a (rows, cols) matrix, summed in row order (reproducible).
void sum_rows(float* db, const float* m, std::size_t rows, int cols) {
  if (db == nullptr) return;
  for (std::size_t r = 0; r < rows; r++) {
    const float* row = m + r * cols;
    for (int j = 0; j < cols; j++) db[j] += row[j];
  }
}

// Rows of the batch per parallel chunk: enough elementwise work to pay for a wake-up.
std::size_t row_grain(int width) { return std::max<std::size_t>(1, 16384 / std::max(1, width)); }

}  // namespace

int rnn_gates(int mode) { return mode == kLstm ? 4 : mode == kGru ? 3 : 1; }

int rnn_saved_per_unit(int mode) { return mode == kLstm ? 5 : mode == kGru ? 4 : 0; }

// A (N, H) state read with a row stride: h0 and c0 are dense, c_t lives inside saved's rows.
struct Rows {
  const float* data;
  std::size_t stride;
  const float* row(std::size_t n) const { return data + n * stride; }
};

void rnn_forward(float* out, float* h_n, float* c_n, float* saved, const float* inp, const float* h0, const float* c0,
                 const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh, int L, int N, int C, int H,
                 int mode, bool reverse) {
  // An empty batch or state has nothing to compute, however long the sequence (and L is bounded
  // by out's length only when both are positive).
  if (N == 0 || H == 0) return;
  const int G = rnn_gates(mode), GH = G * H, S = rnn_saved_per_unit(mode);
  const std::size_t NH = std::size_t(N) * H;
  // Input projections of every step at once: (L*N, C) x (G*H, C)^T.
  std::vector<float> xg(std::size_t(L) * N * GH);
  sgemm(xg.data(), inp, w_ih, L * N, GH, C, false, true, 0.0f);
  add_rows(xg.data(), b_ih, std::size_t(L) * N, GH);
  std::vector<float> hg(std::size_t(N) * GH);
  const float* hprev = h0;
  Rows cprev{c0, std::size_t(H)};
  for (int s = 0; s < L; s++) {
    const int t = reverse ? L - 1 - s : s;
    sgemm(hg.data(), hprev, w_hh, N, GH, H, false, true, 0.0f);
    add_rows(hg.data(), b_hh, N, GH);
    float* h = out + std::size_t(t) * NH;
    const float* x = xg.data() + std::size_t(t) * N * GH;
    float* sv = S == 0 ? nullptr : saved + std::size_t(t) * N * S * H;
    const float* hp = hprev;
    const Rows cp = cprev;
    parallel_for(N, row_grain(GH), [&](std::size_t n0, std::size_t n1) {
      for (std::size_t n = n0; n < n1; n++) {
        const float* xr = x + n * GH;
        const float* hr = hg.data() + n * GH;
        float* ho = h + n * H;
        if (mode == kRnnTanh || mode == kRnnRelu) {
          for (int j = 0; j < H; j++) {
            float a = xr[j] + hr[j];
            ho[j] = mode == kRnnTanh ? std::tanh(a) : std::max(a, 0.0f);
          }
        } else if (mode == kLstm) {
          float* sr = sv + n * 5 * H;
          const float* cpr = cp.row(n);
          for (int j = 0; j < H; j++) {
            float i = sigmoid(xr[j] + hr[j]);
            float f = sigmoid(xr[H + j] + hr[H + j]);
            float g = std::tanh(xr[2 * H + j] + hr[2 * H + j]);
            float o = sigmoid(xr[3 * H + j] + hr[3 * H + j]);
            float c = f * cpr[j] + i * g;
            sr[j] = i;
            sr[H + j] = f;
            sr[2 * H + j] = g;
            sr[3 * H + j] = o;
            sr[4 * H + j] = c;
            ho[j] = o * std::tanh(c);
          }
        } else {
          float* sr = sv + n * 4 * H;
          const float* hpr = hp + n * H;
          for (int j = 0; j < H; j++) {
            float r = sigmoid(xr[j] + hr[j]);
            float z = sigmoid(xr[H + j] + hr[H + j]);
            float hn = hr[2 * H + j];
            float nn = std::tanh(xr[2 * H + j] + r * hn);
            sr[j] = r;
            sr[H + j] = z;
            sr[2 * H + j] = nn;
            sr[3 * H + j] = hn;
            ho[j] = (1.0f - z) * nn + z * hpr[j];
          }
        }
      }
    });
    hprev = h;
    if (mode == kLstm) cprev = Rows{sv + 4 * H, std::size_t(5) * H};
  }
  std::memcpy(h_n, hprev, NH * sizeof(float));
  if (mode == kLstm && c_n != nullptr) {
    for (int n = 0; n < N; n++) std::memcpy(c_n + std::size_t(n) * H, cprev.row(n), H * sizeof(float));
  }
}

void rnn_backward(float* dinp, float* dh0, float* dc0, float* dw_ih, float* dw_hh, float* db_ih, float* db_hh,
                  const float* dout, const float* dh_n, const float* dc_n, const float* inp, const float* h0,
                  const float* c0, const float* w_ih, const float* w_hh, const float* out, const float* saved, int L,
                  int N, int C, int H, int mode, bool reverse) {
  if (N == 0 || H == 0) return;  // every gradient is empty or receives nothing
  const int G = rnn_gates(mode), GH = G * H, S = rnn_saved_per_unit(mode);
  const std::size_t NH = std::size_t(N) * H, LN = std::size_t(L) * N;
  // Gradients of the gates' pre-activations: dxg reaches W_ih x + b_ih, dhg W_hh h + b_hh. They
  // differ only in GRU's n block (r multiplies the hidden part), so the others share one buffer.
  std::vector<float> dxg(LN * GH);
  std::vector<float> dhg_own(mode == kGru ? LN * GH : 0);
  float* dhg = mode == kGru ? dhg_own.data() : dxg.data();
  // dh, dc: the gradient reaching h_t (c_t) from later steps and from h_n (c_n).
  std::vector<float> dh(dh_n, dh_n + NH), dh_next(NH);
  std::vector<float> dc(mode == kLstm ? NH : 0);
  if (mode == kLstm) std::copy(dc_n, dc_n + NH, dc.begin());
  for (int s = L - 1; s >= 0; s--) {
    const int t = reverse ? L - 1 - s : s;
    const int tp = reverse ? t + 1 : t - 1;  // the step before t in the cell's order
    const float* hp = s == 0 ? h0 : out + std::size_t(tp) * NH;
    const Rows cp = mode != kLstm ? Rows{nullptr, 0}
                    : s == 0      ? Rows{c0, std::size_t(H)}
                                  : Rows{saved + std::size_t(tp) * N * S * H + 4 * H, std::size_t(S) * H};
    const float* h = out + std::size_t(t) * NH;
    const float* sv = S == 0 ? nullptr : saved + std::size_t(t) * N * S * H;
    const float* dot = dout + std::size_t(t) * NH;
    float* dx = dxg.data() + std::size_t(t) * N * GH;
    float* dhh = dhg + std::size_t(t) * N * GH;
    parallel_for(N, row_grain(GH), [&](std::size_t n0, std::size_t n1) {
      for (std::size_t n = n0; n < n1; n++) {
        float* dhr = dh.data() + n * H;
        const float* dor = dot + n * H;
        float* dxr = dx + n * GH;
        if (mode == kRnnTanh || mode == kRnnRelu) {
          const float* hr = h + n * H;
          for (int j = 0; j < H; j++) {
            float d = dhr[j] + dor[j];
            dxr[j] = mode == kRnnTanh ? d * (1.0f - hr[j] * hr[j]) : (hr[j] > 0.0f ? d : 0.0f);
          }
        } else if (mode == kLstm) {
          const float* sr = sv + n * 5 * H;
          const float* cpr = cp.row(n);
          float* dcr = dc.data() + n * H;
          for (int j = 0; j < H; j++) {
            float d = dhr[j] + dor[j];
            float i = sr[j], f = sr[H + j], g = sr[2 * H + j], o = sr[3 * H + j], tc = std::tanh(sr[4 * H + j]);
            float dct = dcr[j] + d * o * (1.0f - tc * tc);
            dxr[j] = dct * g * i * (1.0f - i);
            dxr[H + j] = dct * cpr[j] * f * (1.0f - f);
            dxr[2 * H + j] = dct * i * (1.0f - g * g);
            dxr[3 * H + j] = d * tc * o * (1.0f - o);
            dcr[j] = dct * f;  // now dL/dc_{t-1}
          }
        } else {
          const float* sr = sv + n * 4 * H;
          const float* hpr = hp + n * H;
          float* dhhr = dhh + n * GH;
          for (int j = 0; j < H; j++) {
            float d = dhr[j] + dor[j];
            float r = sr[j], z = sr[H + j], nn = sr[2 * H + j], hn = sr[3 * H + j];
            float dn = d * (1.0f - z) * (1.0f - nn * nn);
            float dr = dn * hn * r * (1.0f - r);
            float dz = d * (hpr[j] - nn) * z * (1.0f - z);
            dxr[j] = dhhr[j] = dr;
            dxr[H + j] = dhhr[H + j] = dz;
            dxr[2 * H + j] = dn;
            dhhr[2 * H + j] = dn * r;
            dhr[j] = d * z;  // the direct path h_{t-1} -> h_t; the W_hh path is added below
          }
        }
      }
    });
    // dL/dh_{t-1} = dhg_t W_hh (+ GRU's direct path, left in dh above).
    sgemm(dh_next.data(), dhh, w_hh, N, H, GH, false, false, 0.0f);
    if (mode == kGru) {
      for (std::size_t k = 0; k < NH; k++) dh_next[k] += dh[k];
    }
    dh.swap(dh_next);
  }
  if (dh0 != nullptr) {
    for (std::size_t k = 0; k < NH; k++) dh0[k] += dh[k];
  }
  if (dc0 != nullptr && mode == kLstm) {
    for (std::size_t k = 0; k < NH; k++) dc0[k] += dc[k];
  }
  if (L == 0) return;
  if (dinp != nullptr) sgemm(dinp, dxg.data(), w_ih, L * N, C, GH, false, false, 1.0f);
  if (dw_ih != nullptr) sgemm(dw_ih, dxg.data(), inp, GH, C, L * N, true, false, 1.0f);
  sum_rows(db_ih, dxg.data(), LN, GH);
  sum_rows(db_hh, dhg, LN, GH);
  if (dw_hh != nullptr) {
    // h_{t-1} of every step, in time order beside dhg: then W_hh's gradient is one GEMM.
    std::vector<float> hprev(LN * H);
    for (int t = 0; t < L; t++) {
      const int tp = reverse ? t + 1 : t - 1;
      const float* src = (tp < 0 || tp >= L) ? h0 : out + std::size_t(tp) * NH;
      std::memcpy(hprev.data() + std::size_t(t) * NH, src, NH * sizeof(float));
    }
    sgemm(dw_hh, dhg, hprev.data(), GH, H, L * N, true, false, 1.0f);
  }
}

}  // namespace kiln
