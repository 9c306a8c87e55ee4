#!/usr/bin/env bash
# Packaging check (CI runs it from .ci/run; locally: npm run test:pack).
# Packs kiln (prepack: TypeScript, the three prebuilds, Eigen), then installs the tarball into
# fresh projects the way a user would, with no compiler on PATH (CC=false CXX=false, a PATH
# holding only node and npm) and --offline (node-addon-api comes from the npm cache; nothing
# is downloaded, least of all binaries), and checks that kiln loads, trains, and picks the
# right prebuild. Also checks a source build from the tarball (vendored Eigen, no apt) and the
# clear failure when a source build is forced without a compiler.
# Prints PASS/FAIL lines; exits 1 if any check fails.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-pack.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
failures=0
pass() { echo "PASS $1"; }
fail() {
  echo "FAIL $1"
  failures=$((failures + 1))
}
# check NAME CMD...: PASS if CMD succeeds; on failure prints its output.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then pass "$name"; else
    fail "$name"
    printf '%s\n' "$out" | tail -20 | sed 's/^/     /'
  fi
}

# --- pack --------------------------------------------------------------------------------
echo "== npm pack (prepack: tsc, prebuilds, Eigen)"
start=$SECONDS
if ! (cd "$repo" && npm pack --pack-destination "$work") >"$work/pack.log" 2>&1; then
  tail -40 "$work/pack.log"
  echo "FAIL npm pack"
  exit 1
fi
grep -E '^(prebuild|vendor-eigen|kiln):' "$work/pack.log"
tgz=$(ls "$work"/kiln-*.tgz)
pass "npm pack in $((SECONDS - start)) s: $(basename "$tgz")"

# --- tarball contents --------------------------------------------------------------------
tar -tzf "$tgz" >"$work/contents"
size=$(stat -c %s "$tgz")
unpacked=$(tar -tvzf "$tgz" | awk '{ s += $3 } END { print s }')
echo "   tarball $((size / 1024)) KB, unpacked $((unpacked / 1024)) KB, $(wc -l <"$work/contents") files"
missing=""
for f in dist/index.js dist/index.d.ts dist/native.js binding.gyp CMakeLists.txt native/addon.cc \
  scripts/install.js scripts/build-native.js scripts/find-eigen.js scripts/native-config.js \
  vendor/eigen3/Eigen/Core vendor/eigen3/COPYING \
  prebuilds/linux-x64/kiln.x86-64.node prebuilds/linux-x64/kiln.x86-64-v3.node prebuilds/linux-x64/kiln.x86-64-v4.node \
  prebuilds/linux-x64/kiln_cpu.node native/cpu/probe.cc; do
  grep -qx "package/$f" "$work/contents" || missing="$missing $f"
done
if [ -z "$missing" ]; then pass "tarball holds dist, types, native sources, scripts, Eigen + licence, 3 prebuilds + CPU probe"; else fail "tarball lacks:$missing"; fi
extra=$(grep -E '^package/(build|build-cmake|node_modules|lib|test|bench|examples|dist/demo|\.ci|\.git)/|\.tgz$|^package/vendor/eigen3/unsupported/' "$work/contents" | head -5)
if [ -z "$extra" ]; then pass "tarball has no build/, node_modules/, lib/, test/, examples/, dist/demo/"; else fail "tarball holds what it should not: $extra"; fi
# The demo is an example (examples/mnist), not the library's: its CLI parser is no runtime dependency.
deps=$(tar -xOzf "$tgz" package/package.json | node -e "let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => console.log(Object.keys(JSON.parse(s).dependencies || {}).sort().join(' ')))")
if [ "$deps" = "cli-progress node-addon-api" ]; then pass "runtime dependencies: $deps"; else fail "runtime dependencies are '$deps', expected 'cli-progress node-addon-api'"; fi
if [ "$size" -lt $((4 * 1024 * 1024)) ]; then pass "tarball under 4 MB"; else fail "tarball is $((size / 1024)) KB (limit 4 MB)"; fi

# --- a sandbox with no compiler ------------------------------------------------------------
# Only node, npm and sh (npm runs scripts with it) on PATH, CC/CXX set to `false`, no
# inherited KILN_* or npm_* variables.
mkdir "$work/bin"
ln -s "$(readlink -f "$(command -v node)")" "$work/bin/node"
ln -s "$(readlink -f "$(command -v npm)")" "$work/bin/npm"
ln -s "$(readlink -f /bin/sh)" "$work/bin/sh"
# sandbox [VAR=value...] CMD...: runs CMD there (env -i: CMD must be node, npm or a full path).
sandbox() { env -i HOME="$HOME" TMPDIR="${TMPDIR:-/tmp}" PATH="$work/bin" CC=false CXX=false "$@"; }
# inapp DIR [VAR=value...] CMD...: the same, in project DIR.
inapp() { (cd "$1" && shift && sandbox "$@"); }
no_compiler() {
  for c in cc c++ gcc g++ clang clang++ make; do
    if sandbox /bin/sh -c "command -v $c"; then return 1; fi
  done
  return 0
}
check "sandbox PATH has node, npm, sh and no cc/c++/gcc/g++/clang/make" no_compiler

# Expected prebuild, from /proc/cpuinfo independently of the loader's own detection.
flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
has() { for f in "$@"; do [[ $flags == *" $f "* ]] || return 1; done; }
if has avx512f avx512bw avx512cd avx512dq avx512vl avx2 fma; then best=x86-64-v4
elif has avx2 fma bmi1 bmi2 movbe f16c; then best=x86-64-v3
else best=x86-64; fi
echo "   this CPU should get the $best prebuild"

# Install the tarball into a fresh project; $1 = dir, the rest = extra npm flags.
install_into() {
  local dir=$1
  shift
  mkdir -p "$dir"
  # allowScripts lets npm 11's script approval run kiln's install script (older npm ignores it).
  echo '{ "name": "app", "version": "1.0.0", "private": true, "allowScripts": { "kiln": true } }' >"$dir/package.json"
  (cd "$dir" && "$@" npm install --offline --no-audit --no-fund --foreground-scripts "$tgz") >"$dir/install.log" 2>&1 && return 0
  if grep -q ENOTCACHED "$dir/install.log"; then
    # node-addon-api not in the npm cache: fetch it (only it; kiln itself is the local tarball).
    echo "   (node-addon-api not cached: installing it from the registry)"
    (cd "$dir" && "$@" npm install --prefer-offline --no-audit --no-fund --foreground-scripts "$tgz") >"$dir/install.log" 2>&1 && return 0
  fi
  tail -25 "$dir/install.log"
  return 1
}

# The checks that run inside a project: an autograd example (CommonJS and ESM), types.
write_checks() {
  local dir=$1
  cat >"$dir/check.js" <<'EOF'
// Autograd through the native addon: loss = sum((x @ w)^2) and an nn.Linear, checked against
// hand-computed gradients. argv[2] = the variant backendInfo() must report.
const kiln = require('kiln');
const info = kiln.backendInfo();
const want = process.argv[2];
if (info.variant !== want) throw new Error(`expected variant ${want}, got ${info.variant} (${info.path})`);
const close = (a, b, what) => {
  const x = Array.from(a), y = Array.from(b);
  if (x.length !== y.length || x.some((v, i) => Math.abs(v - y[i]) > 1e-4 * (1 + Math.abs(y[i])))) throw new Error(`${what}: got ${x}, expected ${y}`);
};
const x = kiln.tensor([[1, 2], [3, 4]], { requiresGrad: true });
const w = kiln.tensor([[0.5, -1], [2, 0.25]], { requiresGrad: true });
x.matmul(w).pow(2).sum().backward();
const y = [[1 * 0.5 + 2 * 2, 1 * -1 + 2 * 0.25], [3 * 0.5 + 4 * 2, 3 * -1 + 4 * 0.25]]; // x @ w
const g = y.map((r) => r.map((v) => 2 * v)); // dloss/dy
close(x.grad.data, [g[0][0] * 0.5 + g[0][1] * -1, g[0][0] * 2 + g[0][1] * 0.25, g[1][0] * 0.5 + g[1][1] * -1, g[1][0] * 2 + g[1][1] * 0.25], 'x.grad'); // g @ w^T
close(w.grad.data, [1 * g[0][0] + 3 * g[1][0], 1 * g[0][1] + 3 * g[1][1], 2 * g[0][0] + 4 * g[1][0], 2 * g[0][1] + 4 * g[1][1]], 'w.grad'); // x^T @ g
kiln.manualSeed(0);
const lin = new kiln.nn.Linear(3, 2);
const inp = kiln.tensor([[1, 2, 3], [4, 5, 6]]);
lin.forward(inp).sum().backward(); // d/dW sum(x W^T + b) = column sums of x, d/db = batch size
close(lin.weight.grad.data, [5, 7, 9, 5, 7, 9], 'linear.weight.grad');
close(lin.bias.grad.data, [2, 2], 'linear.bias.grad');
console.log(`${info.variant} ${info.path} [${info.simd}]`);
EOF
  cat >"$dir/check.mjs" <<'EOF'
// ESM: the namespace import and named imports of the CommonJS package both work.
import * as kiln from 'kiln';
import { tensor, nn, backendInfo } from 'kiln';
if (typeof tensor !== 'function' || tensor !== kiln.tensor) throw new Error('named export tensor missing or not the namespace one');
if (typeof nn.Linear !== 'function' || typeof backendInfo !== 'function') throw new Error('named exports nn / backendInfo missing');
const a = tensor([1, 2, 3], { requiresGrad: true });
a.mul(a).sum().backward();
if (Array.from(a.grad.data).join() !== '2,4,6') throw new Error(`grad of sum(a*a): got ${Array.from(a.grad.data)}`);
console.log(`esm ok: ${backendInfo().variant}`);
EOF
  cat >"$dir/consumer.ts" <<'EOF'
import * as kiln from 'kiln';
import { tensor, Tensor, nn, backendInfo } from 'kiln';
const t: Tensor = tensor([1, 2, 3], { requiresGrad: true });
const lin: nn.Linear = new nn.Linear(3, 2);
const variant: string = backendInfo().variant;
// @ts-expect-error kiln has no such export: this line only compiles if kiln's types are real
kiln.noSuchExport;
export { t, lin, variant };
EOF
  echo '{ "compilerOptions": { "strict": true, "noEmit": true, "module": "node16", "moduleResolution": "node16", "target": "ES2022", "lib": ["ES2022"], "types": [] }, "files": ["consumer.ts"] }' >"$dir/tsconfig.json"
}

expect_error() { # expect_error DIR 'ENV=..' PATTERN...: loading kiln fails and the message matches every pattern
  local dir=$1 envs=$2 out
  shift 2
  # shellcheck disable=SC2086 # $envs: zero or more VAR=value words
  if out=$(inapp "$dir" $envs node -e "require('kiln')" 2>&1); then
    echo "kiln loaded, expected an error"
    return 1
  fi
  for p in "$@"; do
    if ! grep -qF -- "$p" <<<"$out"; then
      printf 'message lacks "%s":\n%s\n' "$p" "$out"
      return 1
    fi
  done
  printf '%s\n' "$out" | grep -m1 'kiln:'
}

# --- A: default install (install script on), no compiler ------------------------------------
echo "== A: npm install of the tarball, no compiler, offline"
a="$work/a"
check "A: install" install_into "$a" sandbox
check "A: install script found a prebuild (did not compile)" grep -q "kiln: using the native binary $best" "$a/install.log"
check "A: nothing was compiled (no node_modules/kiln/build)" test ! -e "$a/node_modules/kiln/build"
check "A: the CPU level came from the CPUID probe (prebuilds/linux-x64/kiln_cpu.node), not /proc/cpuinfo" \
  inapp "$a" node -e "const p = require('path'); const c = require(p.join(p.dirname(require.resolve('kiln')), 'native.js')).detectCpu(); process.exit(c.source === 'cpuid' && /prebuilds\/linux-x64\/kiln_cpu\.node$/.test(c.probe) ? 0 : 1)"
write_checks "$a"
check "A: require('kiln') autograd example on $best" inapp "$a" node check.js $best
check "A: ESM import * as kiln / import { tensor } from 'kiln'" inapp "$a" node check.mjs
check "A: dist/index.d.ts shipped" test -f "$a/node_modules/kiln/dist/index.d.ts"
check "A: a strict TypeScript consumer type-checks against kiln's types" inapp "$a" node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.json
check "A: KILN_VARIANT=x86-64 loads the baseline" inapp "$a" KILN_VARIANT=x86-64 node check.js x86-64
check "A: the baseline has no AVX code (Eigen reports SSE only)" inapp "$a" KILN_VARIANT=x86-64 node -e "process.exit(/AVX/.test(require('kiln').backendInfo().simd) ? 1 : 0)"
if [ "$best" != x86-64 ]; then
  check "A: KILN_VARIANT=x86-64-v3 loads the v3 prebuild" inapp "$a" KILN_VARIANT=x86-64-v3 node check.js x86-64-v3
  # Eigen reports AVX2 builds as 'AVX SSE, ...' (it names AVX2 and FMA only with AVX-512).
  check "A: v3 has AVX and no AVX-512" inapp "$a" KILN_VARIANT=x86-64-v3 node -e "const s = require('kiln').backendInfo().simd; process.exit(/AVX/.test(s) && !/AVX512/.test(s) ? 0 : 1)"
fi
check "A: KILN_VARIANT=bogus is refused with the valid values" expect_error "$a" KILN_VARIANT=bogus "expected KILN_VARIANT to be one of x86-64-v4, x86-64-v3, x86-64, local, got 'bogus'"

# --- B: --ignore-scripts (npm blocking dependency scripts) ----------------------------------
echo "== B: npm install --ignore-scripts, no compiler, offline"
b="$work/b"
check "B: install --ignore-scripts" install_into "$b" sandbox npm_config_ignore_scripts=true
check "B: install script did not run" sh -c "! grep -q 'kiln: ' '$b/install.log'"
write_checks "$b"
check "B: require('kiln') autograd example on $best" inapp "$b" node check.js $best
pre="$b/node_modules/kiln/prebuilds/linux-x64"
if [ "$best" = x86-64-v4 ]; then
  rm "$pre/kiln.x86-64-v4.node"
  check "B: without the v4 prebuild the loader falls back to v3" inapp "$b" node check.js x86-64-v3
fi
rm -f "$pre/kiln.x86-64-v4.node" "$pre/kiln.x86-64-v3.node"
check "B: a forced missing variant fails clearly, listing what was tried" \
  expect_error "$b" KILN_VARIANT=x86-64-v3 "(KILN_VARIANT=x86-64-v3)" "Tried:" "prebuilds/linux-x64/kiln.x86-64-v3.node (not found)" "KILN_BUILD_FROM_SOURCE=1 npm rebuild kiln"
rm -f "$pre/kiln.x86-64.node"
check "B: with no prebuild at all the error lists each one tried" \
  expect_error "$b" "" "Tried:" "kiln.x86-64.node (not found)" "needs a C++17 compiler"

# --- C: source build from the tarball, with a compiler -------------------------------------
echo "== C: KILN_BUILD_FROM_SOURCE=1 npm install (with a compiler): Eigen from the tarball"
c="$work/c"
withcc() { env -i HOME="$HOME" TMPDIR="${TMPDIR:-/tmp}" PATH="$PATH" KILN_BUILD_FROM_SOURCE=1 "$@"; }
start=$SECONDS
check "C: source build from the tarball" install_into "$c" withcc
echo "   source build + install: $((SECONDS - start)) s"
check "C: built against the tarball's vendor/eigen3" grep -q -- "-I$c/node_modules/kiln/vendor/eigen3" "$c/node_modules/kiln/build/kiln.target.mk"
write_checks "$c"
check "C: require('kiln') autograd example on the local build" inapp "$c" node check.js local

# --- D: forced source build without a compiler ---------------------------------------------
echo "== D: KILN_BUILD_FROM_SOURCE=1 npm install with no compiler"
d="$work/d"
if install_into "$d" sandbox KILN_BUILD_FROM_SOURCE=1 >/dev/null; then fail "D: install succeeded without a compiler"; else
  check "D: install fails naming what is missing" grep -q "missing a C++17 compiler.*make" "$d/install.log"
  grep -m1 'missing' "$d/install.log" | sed 's/^/   /'
fi

echo
if [ "$failures" -eq 0 ]; then echo "test-pack: all checks passed"; else echo "test-pack: $failures check(s) FAILED"; fi
[ "$failures" -eq 0 ]
