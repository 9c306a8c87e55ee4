// Bindings for threads (native/parallel.h) and build facts. mallocTuned is set in addon.cc.
#include <Eigen/Core>

#include "../parallel.h"
#include "args.h"
#include "bindings.h"

namespace kiln {
namespace binding {

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  expect_count(info, 1, "setNumThreads");
  set_num_threads(static_cast<int>(integer(info, 0, "setNumThreads", "n", 1, 1024)));
  return info.Env().Undefined();
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), get_num_threads()); }

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  o.Set("eigen", std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                     std::to_string(EIGEN_MINOR_VERSION));
  o.Set("simd", Eigen::SimdInstructionSetsInUse());
#if defined(__AVX512F__)
  o.Set("isa", "x86-64-v4");
#elif defined(__AVX2__) && defined(__FMA__)
  o.Set("isa", "x86-64-v3");
#else
  o.Set("isa", "x86-64");
#endif
  return o;
}

}  // namespace binding
}  // namespace kiln
