#!/usr/bin/env bash
# Builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer (plus float-to-integer
# overflow checks; cmake-js, into build-asan/) and runs the tests against it:
# `npm run sanitize [-- <jest args>]`, by default
# every test but the soak (the fuzz tests send malformed arguments to every binding, in child
# processes that inherit the sanitizer). Any ASan/UBSan report aborts the process and fails
# the run. Leak checking is off: Node itself keeps allocations alive until exit.
#
# The flags go through CMakeLists.txt's KILN_SANITIZE option, not CMAKE_CXX_FLAGS: cmake-js
# passes its own CMAKE_CXX_FLAGS after the user's, which silently dropped -fsanitize (the
# binary this script used to build had no instrumentation at all); the check below makes
# sure that cannot happen again.
set -euo pipefail
cd "$(dirname "$0")/.."
log=build-asan/build.log
mkdir -p build-asan
# configure, then build: `cmake-js compile` on an existing build folder skips configuring, so
# a changed option would be ignored.
{ npx cmake-js configure --out build-asan --CDKILN_SANITIZE=address,undefined,float-cast-overflow && npx cmake-js build --out build-asan; } >"$log" 2>&1 \
  || { tail -40 "$log"; exit 1; }
binary=build-asan/Release/kiln.node
symbols=$(nm -D "$binary")
if [[ "$symbols" != *__asan_report* || "$symbols" != *__ubsan_handle* ]]; then
  echo "sanitize: $binary has no ASan/UBSan instrumentation (see $log)" >&2
  exit 1
fi
asan=$(g++ -print-file-name=libasan.so)
ubsan=$(g++ -print-file-name=libubsan.so)
export LD_PRELOAD="$asan $ubsan"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export KILN_BINARY="$PWD/$binary"  # absolute: tests spawn scripts from other working directories
# The tests must load this binary (KILN_BINARY is strict: no fallback to another build).
node -e "const p = require('.').backendInfo().path; if (!p.includes('build-asan')) { console.error('sanitize: loaded ' + p); process.exit(1); }"
if [ "$#" -eq 0 ]; then set -- --testPathIgnorePatterns '/soak'; fi
npx jest --runInBand "$@"
