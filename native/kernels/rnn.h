// Recurrent layers (torch.nn.RNN, LSTM, GRU): one layer in one direction, over a whole sequence.
//
// Sizes: L time steps, N batch, C input features, H hidden features, G gates per cell
// (1 for the plain RNN, 4 for LSTM, 3 for GRU), S saved values per (step, row, unit)
// (0 for the plain RNN, 5 for LSTM, 4 for GRU; see rnn_saved_per_unit).
//   inp:  (L, N, C), time-major     out: (L, N, H): h_t at every step t (in time order)
//   h0, h_n, c0, c_n: (N, H)         (c0, c_n: LSTM only, else nullptr)
//   w_ih: (G*H, C)   w_hh: (G*H, H)  b_ih, b_hh: (G*H), or nullptr for no bias
//   saved: (L, N, S*H), written by the forward for the backward
// N = 0 or H = 0 returns at once (nothing to write or accumulate).
// Gate blocks are stacked along the rows of the weights in PyTorch's order: LSTM i, f, g, o;
// GRU r, z, n. With reverse, the cell runs from t = L-1 down to 0 (the backward direction of
// a bidirectional layer) and out still holds h_t at index t.
//
// Formulas (PyTorch's documentation of nn.RNN, nn.LSTM, nn.GRU):
//   RNN:  h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), act = tanh or relu
//   LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000):
//         i, f, o = sigmoid(.), g = tanh(.) of W_ih x_t + b_ih + W_hh h_{t-1} + b_hh per block
//         c_t = f * c_{t-1} + i * g,  h_t = o * tanh(c_t)
//   GRU (Cho et al. 2014), with n as PyTorch (r applied after the hidden projection):
//         r, z = sigmoid(W_i{r,z} x_t + b_i{r,z} + W_h{r,z} h_{t-1} + b_h{r,z})
//         n = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} + b_hn)),  h_t = (1 - z) * n + z * h_{t-1}
// The input projection of every step is one GEMM before the loop (it does not depend on h);
// each step then runs one GEMM with W_hh and one fused pass over all gates.
#pragma once

namespace kiln {

enum RnnMode { kRnnTanh = 0, kRnnRelu = 1, kLstm = 2, kGru = 3 };

// G for a mode (1, 1, 4, 3).
int rnn_gates(int mode);
// S for a mode: LSTM saves i, f, g, o and c_t; GRU saves r, z, n and W_hn h_{t-1} + b_hn; the
// plain RNN needs only its outputs.
int rnn_saved_per_unit(int mode);

void rnn_forward(float* out, float* h_n, float* c_n, float* saved, const float* inp, const float* h0, const float* c0,
                 const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh, int L, int N, int C, int H,
                 int mode, bool reverse);

// Backpropagation through time. dout: (L, N, H), dh_n and dc_n: (N, H) (dc_n LSTM only), the
// gradients reaching out, h_n and c_n. inp, h0, c0, w_ih, w_hh, out and saved as the forward
// read and wrote them. Every gradient accumulates (+=); a null one is skipped.
//   dinp: (L, N, C)   dh0, dc0: (N, H)   dw_ih: (G*H, C)   dw_hh: (G*H, H)   db_ih, db_hh: (G*H)
void rnn_backward(float* dinp, float* dh0, float* dc0, float* dw_ih, float* dw_hh, float* db_ih, float* db_hh,
                  const float* dout, const float* dh_n, const float* dc_n, const float* inp, const float* h0,
                  const float* c0, const float* w_ih, const float* w_hh, const float* out, const float* saved, int L,
                  int N, int C, int H, int mode, bool reverse);

}  // namespace kiln
