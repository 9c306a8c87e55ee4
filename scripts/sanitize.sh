#!/usr/bin/env bash
# Builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer (cmake-js, into
# build-asan/) and runs the tests against it. Any ASan/UBSan report aborts the process and
# fails the run. Leak checking is off: Node itself keeps allocations alive until exit.
set -euo pipefail
cd "$(dirname "$0")/.."
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1"
npx cmake-js compile --out build-asan --CDCMAKE_CXX_FLAGS="$flags" --CDCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" >/tmp/kiln-asan-build.log 2>&1 \
  || { tail -40 /tmp/kiln-asan-build.log; exit 1; }
asan=$(g++ -print-file-name=libasan.so)
ubsan=$(g++ -print-file-name=libubsan.so)
export LD_PRELOAD="$asan $ubsan"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export KILN_BINARY=build-asan/Release/kiln.node
# The tests that reach native code; the fuzz tests send malformed arguments to every binding.
npx jest --runInBand "$@"
