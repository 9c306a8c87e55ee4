// Bindings for native/kernels/rnn.h.
#include "../kernels/rnn.h"

#include <algorithm>

#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

// mode: 0 tanh RNN, 1 relu RNN, 2 LSTM, 3 GRU.
int rnn_mode(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  return static_cast<int>(integer(info, i, where, "mode", 0, 3));
}

// The shapes every recurrent buffer shares, checked once for forward and backward.
struct RnnSizes {
  int L, N, C, H, mode, G, S;
};

void check_weights(Napi::Env env, const RnnSizes& s, const FloatArray& w_ih, const FloatArray& w_hh, const char* where,
                   const char* w_ih_name, const char* w_hh_name) {
  expect_length(env, w_ih, product({double(s.G), double(s.H), double(s.C)}), where, w_ih_name);
  expect_length(env, w_hh, product({double(s.G), double(s.H), double(s.H)}), where, w_hh_name);
}

// The kernel hands L*N rows of G*H gates (and of C inputs) to sgemm, which takes int sizes:
// every such buffer, and each weight, must hold fewer than 2^31 elements.
void check_int_products(Napi::Env env, const RnnSizes& s, const char* where) {
  double widest = std::max({double(s.C), double(s.G) * s.H});
  double rows = product({double(s.L), double(s.N)});
  if (rows * std::max(widest, 1.0) > 2147483647.0 || double(s.G) * s.H * std::max({double(s.C), double(s.H), 1.0}) > 2147483647.0)
    throw_range(env, std::string(where) + ": expected L * N * max(C, G * H) and G * H * max(C, H) below 2^31, got L=" +
                         std::to_string(s.L) + ", N=" + std::to_string(s.N) + ", C=" + std::to_string(s.C) + ", H=" +
                         std::to_string(s.H));
}

// Whether an optional argument was passed (a Float32Array of length 0 has a null data pointer,
// so the pointer cannot tell).
bool given(const Napi::CallbackInfo& info, std::size_t i) {
  return i < info.Length() && !info[i].IsNull() && !info[i].IsUndefined();
}

// expect_optional_length keyed on whether the argument was passed, not on its data pointer: an
// empty Float32Array where a non-empty one is due must fail the length check, not read as null.
void expect_given_length(const Napi::CallbackInfo& info, std::size_t i, const FloatArray& a, double need, const char* where,
                         const char* name) {
  if (given(info, i)) expect_length(info.Env(), a, need, where, name);
}

}  // namespace

// rnnForward(out, hN, cN | null, saved, inp, h0, c0 | null, wIh, wHh, bIh | null, bHh | null, L, N, C, H, mode, reverse)
Napi::Value RnnForward(const Napi::CallbackInfo& info) {
  const char* where = "rnnForward";
  expect_count(info, 17, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray h_n = float_array(info, 1, where, "hN");
  FloatArray c_n = optional_float_array(info, 2, where, "cN");
  FloatArray saved = float_array(info, 3, where, "saved");
  FloatArray inp = float_array(info, 4, where, "inp");
  FloatArray h0 = float_array(info, 5, where, "h0");
  FloatArray c0 = optional_float_array(info, 6, where, "c0");
  FloatArray w_ih = float_array(info, 7, where, "wIh");
  FloatArray w_hh = float_array(info, 8, where, "wHh");
  FloatArray b_ih = optional_float_array(info, 9, where, "bIh");
  FloatArray b_hh = optional_float_array(info, 10, where, "bHh");
  RnnSizes s{};
  s.L = size(info, 11, where, "L");
  s.N = size(info, 12, where, "N");
  s.C = size(info, 13, where, "C");
  s.H = size(info, 14, where, "H");
  s.mode = rnn_mode(info, 15, where);
  bool reverse = boolean(info, 16, where, "reverse");
  s.G = rnn_gates(s.mode);
  s.S = rnn_saved_per_unit(s.mode);
  Napi::Env env = info.Env();
  check_int_products(env, s, where);
  double LNH = product({double(s.L), double(s.N), double(s.H)}), NH = product({double(s.N), double(s.H)});
  expect_length(env, out, LNH, where, "out");
  expect_length(env, h_n, NH, where, "hN");
  expect_length(env, saved, LNH * s.S, where, "saved");
  expect_length(env, inp, product({double(s.L), double(s.N), double(s.C)}), where, "inp");
  expect_length(env, h0, NH, where, "h0");
  bool lstm = s.mode == kLstm;
  if (lstm && (!given(info, 2) || !given(info, 6)))
    throw_type(env, std::string(where) + ": expected Float32Arrays for cN and c0 (mode 2 is LSTM), got null");
  if (!lstm && (given(info, 2) || given(info, 6)))
    throw_type(env, std::string(where) + ": expected null for cN and c0 (only LSTM, mode 2, has a cell state), got a Float32Array");
  expect_given_length(info, 2, c_n, NH, where, "cN");
  expect_given_length(info, 6, c0, NH, where, "c0");
  check_weights(env, s, w_ih, w_hh, where, "wIh", "wHh");
  expect_given_length(info, 9, b_ih, double(s.G) * s.H, where, "bIh");
  expect_given_length(info, 10, b_hh, double(s.G) * s.H, where, "bHh");
  rnn_forward(out.data, h_n.data, c_n.data, s.S == 0 ? nullptr : saved.data, inp.data, h0.data, c0.data, w_ih.data,
              w_hh.data, b_ih.data, b_hh.data, s.L, s.N, s.C, s.H, s.mode, reverse);
  return env.Undefined();
}

// rnnBackward(dinp | null, dh0 | null, dc0 | null, dwIh | null, dwHh | null, dbIh | null, dbHh | null,
//             dout, dhN, dcN | null, inp, h0, c0 | null, wIh, wHh, out, saved, L, N, C, H, mode, reverse)
Napi::Value RnnBackward(const Napi::CallbackInfo& info) {
  const char* where = "rnnBackward";
  expect_count(info, 23, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dh0 = optional_float_array(info, 1, where, "dh0");
  FloatArray dc0 = optional_float_array(info, 2, where, "dc0");
  FloatArray dw_ih = optional_float_array(info, 3, where, "dwIh");
  FloatArray dw_hh = optional_float_array(info, 4, where, "dwHh");
  FloatArray db_ih = optional_float_array(info, 5, where, "dbIh");
  FloatArray db_hh = optional_float_array(info, 6, where, "dbHh");
  FloatArray dout = float_array(info, 7, where, "dout");
  FloatArray dh_n = float_array(info, 8, where, "dhN");
  FloatArray dc_n = optional_float_array(info, 9, where, "dcN");
  FloatArray inp = float_array(info, 10, where, "inp");
  FloatArray h0 = float_array(info, 11, where, "h0");
  FloatArray c0 = optional_float_array(info, 12, where, "c0");
  FloatArray w_ih = float_array(info, 13, where, "wIh");
  FloatArray w_hh = float_array(info, 14, where, "wHh");
  FloatArray out = float_array(info, 15, where, "out");
  FloatArray saved = float_array(info, 16, where, "saved");
  RnnSizes s{};
  s.L = size(info, 17, where, "L");
  s.N = size(info, 18, where, "N");
  s.C = size(info, 19, where, "C");
  s.H = size(info, 20, where, "H");
  s.mode = rnn_mode(info, 21, where);
  bool reverse = boolean(info, 22, where, "reverse");
  s.G = rnn_gates(s.mode);
  s.S = rnn_saved_per_unit(s.mode);
  Napi::Env env = info.Env();
  check_int_products(env, s, where);
  double LNH = product({double(s.L), double(s.N), double(s.H)}), NH = product({double(s.N), double(s.H)});
  double LNC = product({double(s.L), double(s.N), double(s.C)}), GH = double(s.G) * s.H;
  bool lstm = s.mode == kLstm;
  if (lstm && (!given(info, 9) || !given(info, 12)))
    throw_type(env, std::string(where) + ": expected Float32Arrays for dcN and c0 (mode 2 is LSTM), got null");
  if (!lstm && (given(info, 9) || given(info, 12) || given(info, 2)))
    throw_type(env, std::string(where) + ": expected null for dc0, dcN and c0 (only LSTM, mode 2, has a cell state), got a Float32Array");
  expect_given_length(info, 0, dinp, LNC, where, "dinp");
  expect_given_length(info, 1, dh0, NH, where, "dh0");
  expect_given_length(info, 2, dc0, NH, where, "dc0");
  expect_given_length(info, 3, dw_ih, GH * s.C, where, "dwIh");
  expect_given_length(info, 4, dw_hh, GH * s.H, where, "dwHh");
  expect_given_length(info, 5, db_ih, GH, where, "dbIh");
  expect_given_length(info, 6, db_hh, GH, where, "dbHh");
  expect_length(env, dout, LNH, where, "dout");
  expect_length(env, dh_n, NH, where, "dhN");
  expect_given_length(info, 9, dc_n, NH, where, "dcN");
  expect_length(env, inp, LNC, where, "inp");
  expect_length(env, h0, NH, where, "h0");
  expect_given_length(info, 12, c0, NH, where, "c0");
  check_weights(env, s, w_ih, w_hh, where, "wIh", "wHh");
  expect_length(env, out, LNH, where, "out");
  expect_length(env, saved, LNH * s.S, where, "saved");
  rnn_backward(dinp.data, dh0.data, dc0.data, dw_ih.data, dw_hh.data, db_ih.data, db_hh.data, dout.data, dh_n.data,
               dc_n.data, inp.data, h0.data, c0.data, w_ih.data, w_hh.data, out.data,
               s.S == 0 ? nullptr : saved.data, s.L, s.N, s.C, s.H, s.mode, reverse);
  return env.Undefined();
}

}  // namespace binding
}  // namespace kiln
