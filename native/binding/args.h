// Argument checks for the bindings: every binding validates count, types and buffer lengths
// before a kernel touches memory, and reports failures as TypeError/RangeError in kiln's one
// format, "<where>: expected <what> for <name>, got <value>". Nothing here aborts.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace kiln {
namespace binding {

struct FloatArray {
  float* data;
  std::size_t length;
};

struct IntArray {
  std::int32_t* data;
  std::size_t length;
};

[[noreturn]] inline void throw_type(Napi::Env env, const std::string& msg) { throw Napi::TypeError::New(env, msg); }
[[noreturn]] inline void throw_range(Napi::Env env, const std::string& msg) { throw Napi::RangeError::New(env, msg); }

inline std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (std::isnan(d)) return "NaN";
    std::string s = std::to_string(d);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  if (v.IsBoolean()) return v.As<Napi::Boolean>().Value() ? "true" : "false";
  if (v.IsString()) return "'" + v.As<Napi::String>().Utf8Value() + "'";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint8_array: return "Uint8Array";
      default: return "a typed array of another kind";
    }
  }
  if (v.IsArray()) return "an array";
  if (v.IsFunction()) return "a function";
  return "an object";
}

inline void expect_count(const Napi::CallbackInfo& info, std::size_t n, const char* where) {
  if (info.Length() < n)
    throw_type(info.Env(), std::string(where) + ": expected " + std::to_string(n) + " arguments, got " +
                               std::to_string(info.Length()));
}

inline Napi::TypedArray typed_array(const Napi::CallbackInfo& info, std::size_t i, const char* where,
                                    const char* name, napi_typedarray_type type, const char* type_name) {
  Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type)
    throw_type(info.Env(), std::string(where) + ": expected " + type_name + " for " + name + ", got " + describe(v));
  return v.As<Napi::TypedArray>();
}

// A Float32Array argument, mapped in place (never copied). A detached buffer reads as length 0,
// so the length checks below reject it before any access.
inline FloatArray float_array(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  Napi::TypedArray ta = typed_array(info, i, where, name, napi_float32_array, "a Float32Array");
  Napi::Float32Array fa = ta.As<Napi::Float32Array>();
  if (fa.ArrayBuffer().IsDetached()) throw_type(info.Env(), std::string(where) + ": expected a Float32Array for " + name + ", got a detached buffer");
  return {fa.Data(), fa.ElementLength()};
}

inline IntArray int32_array(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  Napi::TypedArray ta = typed_array(info, i, where, name, napi_int32_array, "an Int32Array");
  Napi::Int32Array ia = ta.As<Napi::Int32Array>();
  if (ia.ArrayBuffer().IsDetached()) throw_type(info.Env(), std::string(where) + ": expected an Int32Array for " + name + ", got a detached buffer");
  return {ia.Data(), ia.ElementLength()};
}

// A Float32Array that may be null/undefined (an optional bias): data is nullptr then.
inline FloatArray optional_float_array(const Napi::CallbackInfo& info, std::size_t i, const char* where,
                                       const char* name) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return {nullptr, 0};
  return float_array(info, i, where, name);
}

inline double number(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsNumber()) throw_type(info.Env(), std::string(where) + ": expected a number for " + name + ", got " + describe(v));
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d))
    throw_range(info.Env(), std::string(where) + ": expected a finite number for " + name + ", got " + describe(v));
  return d;
}

// An integer in [lo, hi]; sizes use lo = 0 and a hi that keeps products inside int64.
inline std::int64_t integer(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name,
                            std::int64_t lo, std::int64_t hi) {
  double d = number(info, i, where, name);
  if (d != std::floor(d) || d < static_cast<double>(lo) || d > static_cast<double>(hi))
    throw_range(info.Env(), std::string(where) + ": expected an integer in [" + std::to_string(lo) + ", " +
                                std::to_string(hi) + "] for " + name + ", got " + describe(info[i]));
  return static_cast<std::int64_t>(d);
}

// A size (count of elements along a dimension); 2^31 - 1 bounds every kernel's int indexing.
inline int size(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  return static_cast<int>(integer(info, i, where, name, 0, 2147483647));
}

inline bool boolean(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  Napi::Value v = info[i];
  if (!v.IsBoolean()) throw_type(info.Env(), std::string(where) + ": expected a boolean for " + name + ", got " + describe(v));
  return v.As<Napi::Boolean>().Value();
}

// Checks that a buffer holds exactly `need` elements: shorter would read past its end, and
// longer means the caller's shape and buffer disagree.
template <typename Array>
inline void expect_length(Napi::Env env, const Array& a, double need, const char* where, const char* name) {
  if (static_cast<double>(a.length) != need)
    throw_range(env, std::string(where) + ": expected " + name + " to hold " + std::to_string(static_cast<long long>(need)) +
                         " elements, got " + std::to_string(a.length));
}

// The same check for an optional buffer (a null bias): skipped when it was not passed.
template <typename Array>
inline void expect_optional_length(Napi::Env env, const Array& a, double need, const char* where, const char* name) {
  if (a.data != nullptr) expect_length(env, a, need, where, name);
}

// The product of sizes as a double, exact up to 2^53, so overflow cannot hide a short buffer.
inline double product(std::initializer_list<double> sizes) {
  double p = 1;
  for (double s : sizes) p *= s;
  return p;
}

// Shared by several families.

// The element count of a whole buffer (a parameter, a gradient): kernels index it with int.
inline int elements(Napi::Env env, const FloatArray& a, const char* where, const char* name) {
  if (a.length > 2147483647u)
    throw_range(env, std::string(where) + ": expected at most 2147483647 elements for " + name + ", got " + std::to_string(a.length));
  return static_cast<int>(a.length);
}

inline double non_negative(const Napi::CallbackInfo& info, std::size_t i, const char* where, const char* name) {
  double v = number(info, i, where, name);
  if (v < 0.0) throw_range(info.Env(), std::string(where) + ": expected a non-negative number for " + name + ", got " + describe(info[i]));
  return v;
}

// Kernels index a sample row (C * L) and whole tensors with ints where the sizes allow it;
// a tensor past 2^31 - 1 elements is refused before any buffer is touched.
inline void expect_elements(Napi::Env env, double count, const char* where, const char* what) {
  if (count > 2147483647.0)
    throw_range(env, std::string(where) + ": expected at most 2147483647 elements for " + what + ", got " +
                         std::to_string(static_cast<long long>(count)));
}

// N rows of D features (layer and RMS normalisation).
struct ND {
  int N, D;
};

inline ND nd(const Napi::CallbackInfo& info, std::size_t i, const char* where) {
  ND s{size(info, i, where, "N"), size(info, i + 1, where, "D")};
  expect_elements(info.Env(), product({double(s.N), double(s.D)}), where, "N * D");
  return s;
}

}  // namespace binding
}  // namespace kiln
