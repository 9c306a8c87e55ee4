// One Init function per kernel family; addon.cc calls each once.
#pragma once
#include <napi.h>

namespace kiln {
namespace binding {

void InitCore(Napi::Env env, Napi::Object exports);
void InitLinear(Napi::Env env, Napi::Object exports);
void InitCrossEntropy(Napi::Env env, Napi::Object exports);
void InitOptim(Napi::Env env, Napi::Object exports);
void InitWeightInit(Napi::Env env, Napi::Object exports);
void InitDropout(Napi::Env env, Napi::Object exports);
void InitNorm(Napi::Env env, Napi::Object exports);
void InitConv(Napi::Env env, Napi::Object exports);
void InitActivation(Napi::Env env, Napi::Object exports);

}  // namespace binding
}  // namespace kiln
