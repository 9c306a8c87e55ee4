// The addon's entry point: every binding is registered here, once, in the family order of
// binding/bindings.h and lib/native-binding.ts.
#include <napi.h>

#include "binding/bindings.h"
#include "memory.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("mallocTuned", Napi::Boolean::New(env, kiln::tune_malloc()));

  // threads and build facts: binding/core.cc
  exports.Set("setNumThreads", Napi::Function::New(env, kiln::binding::SetNumThreads));
  exports.Set("getNumThreads", Napi::Function::New(env, kiln::binding::GetNumThreads));
  exports.Set("buildInfo", Napi::Function::New(env, kiln::binding::BuildInfo));

  // matrix multiply: binding/gemm.cc
  exports.Set("sgemm", Napi::Function::New(env, kiln::binding::Sgemm));

  // random fills: binding/random.cc
  exports.Set("randomUniform", Napi::Function::New(env, kiln::binding::RandomUniform));
  exports.Set("randomNormal", Napi::Function::New(env, kiln::binding::RandomNormal));

  // weight initialisation: binding/init.cc
  exports.Set("truncNormal", Napi::Function::New(env, kiln::binding::TruncNormal));
  exports.Set("orthogonal", Napi::Function::New(env, kiln::binding::Orthogonal));
  exports.Set("normalQuantile", Napi::Function::New(env, kiln::binding::NormalQuantile));

  // fully connected layer: binding/linear.cc
  exports.Set("linearForward", Napi::Function::New(env, kiln::binding::LinearForward));
  exports.Set("linearBackward", Napi::Function::New(env, kiln::binding::LinearBackward));

  // 2-D convolution: binding/conv2d.cc
  exports.Set("conv2dForward", Napi::Function::New(env, kiln::binding::Conv2dForward));
  exports.Set("conv2dBackward", Napi::Function::New(env, kiln::binding::Conv2dBackward));

  // 2-D pooling: binding/pool2d.cc
  exports.Set("maxPool2dForward", Napi::Function::New(env, kiln::binding::MaxPool2dForward));
  exports.Set("maxPool2dBackward", Napi::Function::New(env, kiln::binding::MaxPool2dBackward));
  exports.Set("avgPool2dForward", Napi::Function::New(env, kiln::binding::AvgPool2dForward));
  exports.Set("avgPool2dBackward", Napi::Function::New(env, kiln::binding::AvgPool2dBackward));
  exports.Set("adaptiveAvgPool2dForward", Napi::Function::New(env, kiln::binding::AdaptiveAvgPool2dForward));
  exports.Set("adaptiveAvgPool2dBackward", Napi::Function::New(env, kiln::binding::AdaptiveAvgPool2dBackward));

  // activations: binding/activation.cc
  exports.Set("reluForward", Napi::Function::New(env, kiln::binding::ReluForward));
  exports.Set("reluBackward", Napi::Function::New(env, kiln::binding::ReluBackward));

  // dropout: binding/dropout.cc
  exports.Set("dropoutForward", Napi::Function::New(env, kiln::binding::DropoutForward));
  exports.Set("dropoutBackward", Napi::Function::New(env, kiln::binding::DropoutBackward));
  // attention softmax: binding/attention.cc
  exports.Set("attentionSoftmaxForward", Napi::Function::New(env, kiln::binding::AttentionSoftmaxForward));
  exports.Set("attentionSoftmaxBackward", Napi::Function::New(env, kiln::binding::AttentionSoftmaxBackward));

  // batch normalisation: binding/batchnorm.cc
  exports.Set("batchNormForwardTrain", Napi::Function::New(env, kiln::binding::BatchNormForwardTrain));
  exports.Set("batchNormForwardEval", Napi::Function::New(env, kiln::binding::BatchNormForwardEval));
  exports.Set("batchNormBackward", Napi::Function::New(env, kiln::binding::BatchNormBackward));

  // layer normalisation: binding/layernorm.cc
  exports.Set("layerNormForward", Napi::Function::New(env, kiln::binding::LayerNormForward));
  exports.Set("layerNormBackward", Napi::Function::New(env, kiln::binding::LayerNormBackward));

  // RMS normalisation: binding/rmsnorm.cc
  exports.Set("rmsNormForward", Napi::Function::New(env, kiln::binding::RmsNormForward));
  exports.Set("rmsNormBackward", Napi::Function::New(env, kiln::binding::RmsNormBackward));

  // embedding lookup: binding/embedding.cc
  exports.Set("embeddingForward", Napi::Function::New(env, kiln::binding::EmbeddingForward));
  exports.Set("embeddingBackward", Napi::Function::New(env, kiln::binding::EmbeddingBackward));

  // cross-entropy loss: binding/crossentropy.cc
  exports.Set("crossentropyForward", Napi::Function::New(env, kiln::binding::CrossentropyForward));
  exports.Set("crossentropyBackward", Napi::Function::New(env, kiln::binding::CrossentropyBackward));

  // optimiser steps: binding/optim.cc
  exports.Set("sgdStep", Napi::Function::New(env, kiln::binding::SgdStep));
  exports.Set("adamStep", Napi::Function::New(env, kiln::binding::AdamStep));
  exports.Set("adadeltaStep", Napi::Function::New(env, kiln::binding::AdadeltaStep));
  exports.Set("adagradStep", Napi::Function::New(env, kiln::binding::AdagradStep));
  exports.Set("rmspropStep", Napi::Function::New(env, kiln::binding::RmspropStep));
  exports.Set("adamaxStep", Napi::Function::New(env, kiln::binding::AdamaxStep));
  exports.Set("nadamStep", Napi::Function::New(env, kiln::binding::NadamStep));
  exports.Set("radamStep", Napi::Function::New(env, kiln::binding::RadamStep));

  // gradient clipping: binding/clip.cc
  exports.Set("sumAbsPow", Napi::Function::New(env, kiln::binding::SumAbsPow));
  exports.Set("maxAbs", Napi::Function::New(env, kiln::binding::MaxAbs));
  exports.Set("scaleInPlace", Napi::Function::New(env, kiln::binding::ScaleInPlace));

  // recurrent layers: binding/rnn.cc
  exports.Set("rnnForward", Napi::Function::New(env, kiln::binding::RnnForward));
  exports.Set("rnnBackward", Napi::Function::New(env, kiln::binding::RnnBackward));
  return exports;
}

}  // namespace

NODE_API_MODULE(kiln, Init)
