// The addon's entry point: every kernel family registers its bindings here, once.
#include <napi.h>

#include "binding/bindings.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  kiln::binding::InitCore(env, exports);
  kiln::binding::InitLinear(env, exports);
  kiln::binding::InitConv(env, exports);
  kiln::binding::InitActivation(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(kiln, Init)
