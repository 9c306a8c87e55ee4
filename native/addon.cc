// The addon's entry point: every kernel family registers its bindings here, once.
#include <napi.h>

#include "binding/bindings.h"
#include "memory.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("mallocTuned", Napi::Boolean::New(env, kiln::tune_malloc()));
  kiln::binding::InitCore(env, exports);
  kiln::binding::InitLinear(env, exports);
  kiln::binding::InitCrossEntropy(env, exports);
  kiln::binding::InitOptim(env, exports);
  kiln::binding::InitWeightInit(env, exports);
  kiln::binding::InitDropout(env, exports);
  kiln::binding::InitNorm(env, exports);
  kiln::binding::InitConv(env, exports);
  kiln::binding::InitActivation(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(kiln, Init)
