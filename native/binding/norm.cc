// Bindings for native/kernels/batchnorm.h, layernorm.h and rmsnorm.h.
#include "../kernels/batchnorm.h"
#include "../kernels/layernorm.h"
#include "../kernels/rmsnorm.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

// Kernels index a sample row (C * L) and whole tensors with ints where the sizes allow it;
// a tensor past 2^31 - 1 elements is refused before any buffer is touched.
void expect_elements(Napi::Env env, double count, const char* where, const char* what) {
  if (count > 2147483647.0)
    throw_range(env, std::string(where) + ": expected at most 2147483647 elements for " + what + ", got " +
                         std::to_string(static_cast<long long>(count)));
}

struct NCL {
  int N, C, L;
};

NCL ncl(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  NCL s{size(info, i, where, "N"), size(info, i + 1, where, "C"), size(info, i + 2, where, "L")};
  expect_elements(info.Env(), product({double(s.N), double(s.C), double(s.L)}), where, "N * C * L");
  expect_elements(info.Env(), product({double(s.C), double(s.L)}), where, "C * L");
  return s;
}

// batchNormForwardTrain(out, mean, rstd, runningMean | null, runningVar | null, inp,
//                       weight | null, bias | null, N, C, L, momentum, eps)
Napi::Value BatchNormForwardTrain(const Napi::CallbackInfo& info) {
  const char* where = "batchNormForwardTrain";
  expect_count(info, 13, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray mean = float_array(info, 1, where, "mean");
  FloatArray rstd = float_array(info, 2, where, "rstd");
  FloatArray rmean = optional_float_array(info, 3, where, "runningMean");
  FloatArray rvar = optional_float_array(info, 4, where, "runningVar");
  FloatArray inp = float_array(info, 5, where, "inp");
  FloatArray weight = optional_float_array(info, 6, where, "weight");
  FloatArray bias = optional_float_array(info, 7, where, "bias");
  NCL s = ncl(info, 8, where);
  double momentum = number(info, 11, where, "momentum");
  double eps = number(info, 12, where, "eps");
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.C), double(s.L)});
  expect_length(env, out, total, where, "out");
  expect_length(env, inp, total, where, "inp");
  expect_length(env, mean, s.C, where, "mean");
  expect_length(env, rstd, s.C, where, "rstd");
  expect_optional_length(env, rmean, s.C, where, "runningMean");
  expect_optional_length(env, rvar, s.C, where, "runningVar");
  expect_optional_length(env, weight, s.C, where, "weight");
  expect_optional_length(env, bias, s.C, where, "bias");
  batchnorm_forward_train(out.data, mean.data, rstd.data, rmean.data, rvar.data, inp.data, weight.data, bias.data, s.N,
                          s.C, s.L, float(momentum), float(eps));
  return env.Undefined();
}

// batchNormForwardEval(out, mean, rstd, inp, weight | null, bias | null, runningMean, runningVar, N, C, L, eps)
Napi::Value BatchNormForwardEval(const Napi::CallbackInfo& info) {
  const char* where = "batchNormForwardEval";
  expect_count(info, 12, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray mean = float_array(info, 1, where, "mean");
  FloatArray rstd = float_array(info, 2, where, "rstd");
  FloatArray inp = float_array(info, 3, where, "inp");
  FloatArray weight = optional_float_array(info, 4, where, "weight");
  FloatArray bias = optional_float_array(info, 5, where, "bias");
  FloatArray rmean = float_array(info, 6, where, "runningMean");
  FloatArray rvar = float_array(info, 7, where, "runningVar");
  NCL s = ncl(info, 8, where);
  double eps = number(info, 11, where, "eps");
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.C), double(s.L)});
  expect_length(env, out, total, where, "out");
  expect_length(env, inp, total, where, "inp");
  expect_length(env, mean, s.C, where, "mean");
  expect_length(env, rstd, s.C, where, "rstd");
  expect_optional_length(env, weight, s.C, where, "weight");
  expect_optional_length(env, bias, s.C, where, "bias");
  expect_length(env, rmean, s.C, where, "runningMean");
  expect_length(env, rvar, s.C, where, "runningVar");
  batchnorm_forward_eval(out.data, mean.data, rstd.data, inp.data, weight.data, bias.data, rmean.data, rvar.data, s.N,
                         s.C, s.L, float(eps));
  return env.Undefined();
}

// batchNormBackward(dinp | null, dweight | null, dbias | null, dout, inp, weight | null, mean, rstd,
//                   N, C, L, batchStats)
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  const char* where = "batchNormBackward";
  expect_count(info, 12, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dweight = optional_float_array(info, 1, where, "dweight");
  FloatArray dbias = optional_float_array(info, 2, where, "dbias");
  FloatArray dout = float_array(info, 3, where, "dout");
  FloatArray inp = float_array(info, 4, where, "inp");
  FloatArray weight = optional_float_array(info, 5, where, "weight");
  FloatArray mean = float_array(info, 6, where, "mean");
  FloatArray rstd = float_array(info, 7, where, "rstd");
  NCL s = ncl(info, 8, where);
  bool batch_stats = boolean(info, 11, where, "batchStats");
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.C), double(s.L)});
  expect_optional_length(env, dinp, total, where, "dinp");
  expect_optional_length(env, dweight, s.C, where, "dweight");
  expect_optional_length(env, dbias, s.C, where, "dbias");
  expect_length(env, dout, total, where, "dout");
  expect_length(env, inp, total, where, "inp");
  expect_optional_length(env, weight, s.C, where, "weight");
  expect_length(env, mean, s.C, where, "mean");
  expect_length(env, rstd, s.C, where, "rstd");
  batchnorm_backward(dinp.data, dweight.data, dbias.data, dout.data, inp.data, weight.data, mean.data, rstd.data, s.N,
                     s.C, s.L, batch_stats);
  return env.Undefined();
}

struct ND {
  int N, D;
};

ND nd(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  ND s{size(info, i, where, "N"), size(info, i + 1, where, "D")};
  expect_elements(info.Env(), product({double(s.N), double(s.D)}), where, "N * D");
  return s;
}

// layerNormForward(out, mean, rstd, inp, weight | null, bias | null, N, D, eps)
Napi::Value LayerNormForward(const Napi::CallbackInfo& info) {
  const char* where = "layerNormForward";
  expect_count(info, 9, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray mean = float_array(info, 1, where, "mean");
  FloatArray rstd = float_array(info, 2, where, "rstd");
  FloatArray inp = float_array(info, 3, where, "inp");
  FloatArray weight = optional_float_array(info, 4, where, "weight");
  FloatArray bias = optional_float_array(info, 5, where, "bias");
  ND s = nd(info, 6, where);
  double eps = number(info, 8, where, "eps");
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_length(env, out, total, where, "out");
  expect_length(env, inp, total, where, "inp");
  expect_length(env, mean, s.N, where, "mean");
  expect_length(env, rstd, s.N, where, "rstd");
  expect_optional_length(env, weight, s.D, where, "weight");
  expect_optional_length(env, bias, s.D, where, "bias");
  layernorm_forward(out.data, mean.data, rstd.data, inp.data, weight.data, bias.data, s.N, s.D, float(eps));
  return env.Undefined();
}

// layerNormBackward(dinp | null, dweight | null, dbias | null, dout, inp, weight | null, mean, rstd, N, D)
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info) {
  const char* where = "layerNormBackward";
  expect_count(info, 10, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dweight = optional_float_array(info, 1, where, "dweight");
  FloatArray dbias = optional_float_array(info, 2, where, "dbias");
  FloatArray dout = float_array(info, 3, where, "dout");
  FloatArray inp = float_array(info, 4, where, "inp");
  FloatArray weight = optional_float_array(info, 5, where, "weight");
  FloatArray mean = float_array(info, 6, where, "mean");
  FloatArray rstd = float_array(info, 7, where, "rstd");
  ND s = nd(info, 8, where);
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_optional_length(env, dinp, total, where, "dinp");
  expect_optional_length(env, dweight, s.D, where, "dweight");
  expect_optional_length(env, dbias, s.D, where, "dbias");
  expect_length(env, dout, total, where, "dout");
  expect_length(env, inp, total, where, "inp");
  expect_optional_length(env, weight, s.D, where, "weight");
  expect_length(env, mean, s.N, where, "mean");
  expect_length(env, rstd, s.N, where, "rstd");
  layernorm_backward(dinp.data, dweight.data, dbias.data, dout.data, inp.data, weight.data, mean.data, rstd.data, s.N,
                     s.D);
  return env.Undefined();
}

// rmsNormForward(out, rstd, inp, weight | null, N, D, eps)
Napi::Value RmsNormForward(const Napi::CallbackInfo& info) {
  const char* where = "rmsNormForward";
  expect_count(info, 7, where);
  FloatArray out = float_array(info, 0, where, "out");
  FloatArray rstd = float_array(info, 1, where, "rstd");
  FloatArray inp = float_array(info, 2, where, "inp");
  FloatArray weight = optional_float_array(info, 3, where, "weight");
  ND s = nd(info, 4, where);
  double eps = number(info, 6, where, "eps");
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_length(env, out, total, where, "out");
  expect_length(env, inp, total, where, "inp");
  expect_length(env, rstd, s.N, where, "rstd");
  expect_optional_length(env, weight, s.D, where, "weight");
  rmsnorm_forward(out.data, rstd.data, inp.data, weight.data, s.N, s.D, float(eps));
  return env.Undefined();
}

// rmsNormBackward(dinp | null, dweight | null, dout, inp, weight | null, rstd, N, D)
Napi::Value RmsNormBackward(const Napi::CallbackInfo& info) {
  const char* where = "rmsNormBackward";
  expect_count(info, 8, where);
  FloatArray dinp = optional_float_array(info, 0, where, "dinp");
  FloatArray dweight = optional_float_array(info, 1, where, "dweight");
  FloatArray dout = float_array(info, 2, where, "dout");
  FloatArray inp = float_array(info, 3, where, "inp");
  FloatArray weight = optional_float_array(info, 4, where, "weight");
  FloatArray rstd = float_array(info, 5, where, "rstd");
  ND s = nd(info, 6, where);
  Napi::Env env = info.Env();
  const double total = product({double(s.N), double(s.D)});
  expect_optional_length(env, dinp, total, where, "dinp");
  expect_optional_length(env, dweight, s.D, where, "dweight");
  expect_length(env, dout, total, where, "dout");
  expect_length(env, inp, total, where, "inp");
  expect_optional_length(env, weight, s.D, where, "weight");
  expect_length(env, rstd, s.N, where, "rstd");
  rmsnorm_backward(dinp.data, dweight.data, dout.data, inp.data, weight.data, rstd.data, s.N, s.D);
  return env.Undefined();
}

}  // namespace

void InitNorm(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormForwardTrain", Napi::Function::New(env, BatchNormForwardTrain));
  exports.Set("batchNormForwardEval", Napi::Function::New(env, BatchNormForwardEval));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
  exports.Set("layerNormForward", Napi::Function::New(env, LayerNormForward));
  exports.Set("layerNormBackward", Napi::Function::New(env, LayerNormBackward));
  exports.Set("rmsNormForward", Napi::Function::New(env, RmsNormForward));
  exports.Set("rmsNormBackward", Napi::Function::New(env, RmsNormBackward));
}

}  // namespace binding
}  // namespace kiln
