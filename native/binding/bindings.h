// Every binding the addon exports, by family: native/binding/<family>.cc defines them and
// addon.cc registers each once. The same list, typed, is lib/native-binding.ts; a test fails
// when the two differ (test/native-exports.test.ts).
#pragma once
#include <napi.h>

namespace kiln {
namespace binding {

// threads and build facts: binding/core.cc
Napi::Value SetNumThreads(const Napi::CallbackInfo& info);
Napi::Value GetNumThreads(const Napi::CallbackInfo& info);
Napi::Value BuildInfo(const Napi::CallbackInfo& info);

// matrix multiply: binding/gemm.cc
Napi::Value Sgemm(const Napi::CallbackInfo& info);

// random fills: binding/random.cc
Napi::Value RandomUniform(const Napi::CallbackInfo& info);
Napi::Value RandomNormal(const Napi::CallbackInfo& info);

// weight initialisation: binding/init.cc
Napi::Value TruncNormal(const Napi::CallbackInfo& info);
Napi::Value Orthogonal(const Napi::CallbackInfo& info);
Napi::Value NormalQuantile(const Napi::CallbackInfo& info);

// fully connected layer: binding/linear.cc
Napi::Value LinearForward(const Napi::CallbackInfo& info);
Napi::Value LinearBackward(const Napi::CallbackInfo& info);

// 2-D convolution: binding/conv2d.cc
Napi::Value Conv2dForward(const Napi::CallbackInfo& info);
Napi::Value Conv2dBackward(const Napi::CallbackInfo& info);

// 2-D pooling: binding/pool2d.cc
Napi::Value MaxPool2dForward(const Napi::CallbackInfo& info);
Napi::Value MaxPool2dBackward(const Napi::CallbackInfo& info);
Napi::Value AvgPool2dForward(const Napi::CallbackInfo& info);
Napi::Value AvgPool2dBackward(const Napi::CallbackInfo& info);
Napi::Value AdaptiveAvgPool2dForward(const Napi::CallbackInfo& info);
Napi::Value AdaptiveAvgPool2dBackward(const Napi::CallbackInfo& info);

// activations: binding/activation.cc
Napi::Value ReluForward(const Napi::CallbackInfo& info);
Napi::Value ReluBackward(const Napi::CallbackInfo& info);

// dropout: binding/dropout.cc
Napi::Value DropoutForward(const Napi::CallbackInfo& info);
Napi::Value DropoutBackward(const Napi::CallbackInfo& info);

// attention softmax: binding/attention.cc
Napi::Value AttentionSoftmaxForward(const Napi::CallbackInfo& info);
Napi::Value AttentionSoftmaxBackward(const Napi::CallbackInfo& info);

// batch normalisation: binding/batchnorm.cc
Napi::Value BatchNormForwardTrain(const Napi::CallbackInfo& info);
Napi::Value BatchNormForwardEval(const Napi::CallbackInfo& info);
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info);

// layer normalisation: binding/layernorm.cc
Napi::Value LayerNormForward(const Napi::CallbackInfo& info);
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info);

// RMS normalisation: binding/rmsnorm.cc
Napi::Value RmsNormForward(const Napi::CallbackInfo& info);
Napi::Value RmsNormBackward(const Napi::CallbackInfo& info);

// embedding lookup: binding/embedding.cc
Napi::Value EmbeddingForward(const Napi::CallbackInfo& info);
Napi::Value EmbeddingBackward(const Napi::CallbackInfo& info);

// cross-entropy loss: binding/crossentropy.cc
Napi::Value CrossentropyForward(const Napi::CallbackInfo& info);
Napi::Value CrossentropyBackward(const Napi::CallbackInfo& info);

// optimiser steps: binding/optim.cc
Napi::Value SgdStep(const Napi::CallbackInfo& info);
Napi::Value AdamStep(const Napi::CallbackInfo& info);
Napi::Value AdadeltaStep(const Napi::CallbackInfo& info);
Napi::Value AdagradStep(const Napi::CallbackInfo& info);
Napi::Value RmspropStep(const Napi::CallbackInfo& info);
Napi::Value AdamaxStep(const Napi::CallbackInfo& info);
Napi::Value NadamStep(const Napi::CallbackInfo& info);
Napi::Value RadamStep(const Napi::CallbackInfo& info);

// gradient clipping: binding/clip.cc
Napi::Value SumAbsPow(const Napi::CallbackInfo& info);
Napi::Value MaxAbs(const Napi::CallbackInfo& info);
Napi::Value ScaleInPlace(const Napi::CallbackInfo& info);

// recurrent layers: binding/rnn.cc
Napi::Value RnnForward(const Napi::CallbackInfo& info);
Napi::Value RnnBackward(const Napi::CallbackInfo& info);
}  // namespace binding
}  // namespace kiln
