// Bindings for native/kernels/batchnorm.h.
#include "../kernels/batchnorm.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {
namespace {

struct NCL {
  int N, C, L;
};

NCL ncl(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  NCL s{size(info, i, where, "N"), size(info, i + 1, where, "C"), size(info, i + 2, where, "L")};
  expect_elements(info.Env(), product({double(s.N), double(s.C), double(s.L)}), where, "N * C * L");
  expect_elements(info.Env(), product({double(s.C), double(s.L)}), where, "C * L");
  return s;
}

}  // namespace

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

}  // namespace binding
}  // namespace kiln
