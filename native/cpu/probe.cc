// kiln_cpu.node: what this x86-64 CPU and its OS can run, for lib/native.ts to pick the best
// prebuild. Always compiled for baseline x86-64 (scripts/native-config.js), so it loads on any
// x86-64 CPU, unlike the x86-64-v3/v4 builds it chooses between. It reads CPUID and XGETBV
// directly rather than /proc/cpuinfo, whose flag names a hypervisor may leave out (an EPYC VM
// listed neither abm nor lzcnt on a CPU that runs LZCNT), and decides nothing itself: it returns
// the raw registers, which lib/native.ts decodes (decodeCpuid), so the decision is tested in TS.
//
// cpuid() -> null on a non-x86-64 build, else
//   { maxLeaf, leaf1: [ecx, edx], leaf7: [ebx, ecx, edx], maxExtLeaf, ext1: [ecx, edx],
//     xcr0 (low 32 bits; 0 when the OS has not enabled XSAVE), builtin }
// builtin: the highest level GCC's own runtime check reports (__builtin_cpu_supports with the
// level names, GCC >= 12), e.g. 'x86-64-v4', or null where the compiler lacks it; a cross-check.
#include <node_api.h>

#include <cstdint>
#include <initializer_list>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define KILN_X86 1
#endif

namespace {

napi_value u32(napi_env env, std::uint32_t v) {
  napi_value r;
  napi_create_uint32(env, v, &r);
  return r;
}

napi_value array(napi_env env, std::initializer_list<std::uint32_t> values) {
  napi_value a;
  napi_create_array_with_length(env, values.size(), &a);
  std::uint32_t i = 0;
  for (std::uint32_t v : values) napi_set_element(env, a, i++, u32(env, v));
  return a;
}

napi_value Cpuid(napi_env env, napi_callback_info) {
  napi_value result;
#ifdef KILN_X86
  unsigned a = 0, b = 0, c = 0, d = 0;
  napi_create_object(env, &result);
  const unsigned max_leaf = __get_cpuid_max(0, nullptr);
  napi_set_named_property(env, result, "maxLeaf", u32(env, max_leaf));
  unsigned c1 = 0, d1 = 0;
  if (max_leaf >= 1 && __get_cpuid(1, &a, &b, &c, &d)) c1 = c, d1 = d;
  napi_set_named_property(env, result, "leaf1", array(env, {c1, d1}));
  unsigned b7 = 0, c7 = 0, d7 = 0;
  if (max_leaf >= 7 && __get_cpuid_count(7, 0, &a, &b, &c, &d)) b7 = b, c7 = c, d7 = d;
  napi_set_named_property(env, result, "leaf7", array(env, {b7, c7, d7}));
  const unsigned max_ext = __get_cpuid_max(0x80000000u, nullptr);
  napi_set_named_property(env, result, "maxExtLeaf", u32(env, max_ext));
  unsigned ce = 0, de = 0;
  if (max_ext >= 0x80000001u && __get_cpuid(0x80000001u, &a, &b, &c, &d)) ce = c, de = d;
  napi_set_named_property(env, result, "ext1", array(env, {ce, de}));
  // XGETBV is only defined once the OS has set CR4.OSXSAVE, which CPUID.1:ECX bit 27 reports.
  std::uint32_t xcr0 = 0;
  if (c1 & (1u << 27)) {
    std::uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    xcr0 = lo;
  }
  napi_set_named_property(env, result, "xcr0", u32(env, xcr0));
  napi_value builtin;
  napi_get_null(env, &builtin);
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
  __builtin_cpu_init();
  const char* level = __builtin_cpu_supports("x86-64-v4")   ? "x86-64-v4"
                      : __builtin_cpu_supports("x86-64-v3") ? "x86-64-v3"
                      : __builtin_cpu_supports("x86-64-v2") ? "x86-64-v2"
                                                            : "x86-64";
  napi_create_string_utf8(env, level, NAPI_AUTO_LENGTH, &builtin);
#endif
  napi_set_named_property(env, result, "builtin", builtin);
#else
  napi_get_null(env, &result);
#endif
  return result;
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "cpuid", NAPI_AUTO_LENGTH, Cpuid, nullptr, &fn);
  napi_set_named_property(env, exports, "cpuid", fn);
  return exports;
}
