#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU and a pip-installed torch (no Node needed),
# build native/core with its C++ tests and the engine bench against that torch, run them on
# CUDA, and write the results under $OUT (default ./gpu-check-out).
#
#   scripts/gpu-check.sh [--quick] [--node /path/to/node]
#
# Results (five files, so that a remote runner can bring them all back):
#   env.json        torch, CUDA, cuDNN versions and the GPU's name
#   cuda-tests.json GoogleTest report of the device tests (Cuda.*, Device.*, Precision.*):
#                   cuDNN LSTM/GRU vs the CPU engine (forward 1e-4, weights after an epoch),
#                   fp16 AMP with loss scaling and bf16 training vs fp32, deterministic mode
#   bench.json      one JSON line per configuration (tl_bench_engine, W2 scaled up: B=256, H=512,
#                   T=100, then B=512, H=1024): torch-lstm fused (cuDNN) and cell loop x float32 /
#                   mixed precision, raw LibTorch (torch::nn::LSTM) float32 / autocast, samples/s
#   tests.json      GoogleTest report of the whole C++ suite
#   log.txt         what each phase printed (nvidia-smi, configure, build errors, test summaries)
# With --node, also runs the TypeScript suite (its summary goes to log.txt).
#
# GoogleTest: the installed package, else the source tree in $GTEST_SRC, ./.gpu/googletest or
# /usr/src/googletest. Where CMake cannot configure against the pip torch, the same sources are
# compiled with g++ directly (the log says which build ran).
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$ROOT/gpu-check-out}"
BUILD="${BUILD:-$ROOT/build-gpu}"  # a GPU runner may put it outside the tree (it is big)
QUICK=0
NODE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --node) NODE="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$OUT" "$BUILD"
LOG="$OUT/log.txt"
: > "$LOG"
START=$(date +%s)
phase() { echo "== [$(( $(date +%s) - START )) s] $*" | tee -a "$LOG"; }

PY="${PYTHON:-python3}"
JOBS="${JOBS:-$(nproc)}"
phase "environment"
$PY - > "$OUT/env.json" <<'PYEOF' || { echo "no pip torch for python3" | tee -a "$LOG"; exit 1; }
import json, torch
print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
                  "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
                  "cxx11_abi": int(torch._C._GLIBCXX_USE_CXX11_ABI)}))
PYEOF
cat "$OUT/env.json" | tee -a "$LOG"
nvidia-smi >> "$LOG" 2>&1 || true
TORCH_PY_DIR="$($PY -c 'import os, torch; print(os.path.dirname(torch.__file__))')"
GTEST_SRC="${GTEST_SRC:-}"
for candidate in "$ROOT/.gpu/googletest" /usr/src/googletest; do
  if [ -z "$GTEST_SRC" ] && [ -f "$candidate/googletest/src/gtest-all.cc" ]; then GTEST_SRC="$candidate"; fi
done
CUDA_ROOT=""
if command -v nvcc > /dev/null; then CUDA_ROOT="$(dirname "$(dirname "$(command -v nvcc)")")"; fi
[ -z "$CUDA_ROOT" ] && [ -x /usr/local/cuda/bin/nvcc ] && CUDA_ROOT=/usr/local/cuda

TESTS="$BUILD/tl_core_tests"
BENCH="$BUILD/tl_bench_engine"

cmake_build() {
  local args=(-DCMAKE_BUILD_TYPE=Release -DTL_BUILD_TESTS=ON -DTL_BUILD_BENCH=ON -DTorch_DIR="$TORCH_PY_DIR/share/cmake/Torch")
  [ -n "$GTEST_SRC" ] && args+=(-DTL_GTEST_SOURCE_DIR="$GTEST_SRC")
  [ -n "$CUDA_ROOT" ] && args+=(-DCUDAToolkit_ROOT="$CUDA_ROOT")
  command -v ninja > /dev/null && args+=(-G Ninja)
  cmake -S "$ROOT" -B "$BUILD" "${args[@]}" > "$BUILD/cmake.log" 2>&1 || { tail -30 "$BUILD/cmake.log" >> "$LOG"; return 1; }
  grep -E "torch-lstm: using|CUDA" "$BUILD/cmake.log" | head -5 >> "$LOG"
  cmake --build "$BUILD" --target tl_core_tests tl_bench_engine -j "$JOBS" > "$BUILD/build.log" 2>&1 ||
    { grep -E "error|Error" -A3 "$BUILD/build.log" | head -60 >> "$LOG"; return 2; }
}

# The fallback: the same sources with g++ and the pip torch's headers and libraries.
direct_build() {
  local abi std obj="$BUILD/direct"
  abi="$($PY -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"
  std="$($PY -c 'import torch; print("c++20" if int(torch.__version__.split(".")[0]) >= 2 else "c++17")')"
  mkdir -p "$obj"
  local flags="-std=$std -O2 -DNDEBUG -fPIC -D_GLIBCXX_USE_CXX11_ABI=$abi -I$ROOT/native/core -I$TORCH_PY_DIR/include -I$TORCH_PY_DIR/include/torch/csrc/api/include -I$GTEST_SRC/googletest/include -I$GTEST_SRC/googletest"
  local sources
  sources="$(cd "$ROOT" && ls native/core/*.cc native/core/*/*.cc native/tests/*.cc native/bench/engine/engine_bench.cc) $GTEST_SRC/googletest/src/gtest-all.cc $GTEST_SRC/googletest/src/gtest_main.cc"
  (cd "$ROOT" && printf '%s\n' $sources | xargs -P "$JOBS" -I{} sh -c "g++ $flags -c {} -o $obj/\$(echo {} | tr / _).o" ) > "$BUILD/build.log" 2>&1 ||
    { grep -E "error" -A3 "$BUILD/build.log" | head -60 >> "$LOG"; return 2; }
  local libs="-L$TORCH_PY_DIR/lib -Wl,-rpath,$TORCH_PY_DIR/lib -Wl,--no-as-needed -ltorch_cuda -lc10_cuda -Wl,--as-needed -ltorch -ltorch_cpu -lc10 -lpthread -ldl"
  local core tests
  core="$(ls "$obj"/native_core_*.o)"
  tests="$(ls "$obj"/native_tests_*.o "$obj"/*gtest-all.cc.o "$obj"/*gtest_main.cc.o)"
  g++ -o "$TESTS" $tests $core $libs >> "$BUILD/build.log" 2>&1 || { tail -20 "$BUILD/build.log" >> "$LOG"; return 2; }
  g++ -o "$BENCH" "$obj"/native_bench_engine_engine_bench.cc.o $core $libs >> "$BUILD/build.log" 2>&1 ||
    { tail -20 "$BUILD/build.log" >> "$LOG"; return 2; }
}

phase "build (cmake, $JOBS jobs)"
cmake_build
rc=$?
if [ $rc = 1 ]; then
  phase "cmake could not configure: direct g++ build"
  direct_build || { phase "build failed"; exit 1; }
elif [ $rc != 0 ]; then
  phase "build failed"; exit 1
fi

status=0
phase "device tests"
"$TESTS" --gtest_filter='Cuda.*:Device.*:Precision.*:GradScaler.*' --gtest_output="json:$OUT/cuda-tests.json" > "$BUILD/cuda-tests.txt" 2>&1 || status=1
grep -E "^\[ +(OK|FAILED|SKIPPED) +\]|Failure|Expected|Which is|actual|fp32|error|exception with description" "$BUILD/cuda-tests.txt" | head -60 | tee -a "$LOG"

phase "engine bench on CUDA"
# W2 scaled (B=256, H=512) and a size where tensor cores pay off (B=512, H=1024).
if [ "$QUICK" = 1 ]; then
  SIZES=("256 512 2048 2 2")
else
  SIZES=("256 512 8192 3 3" "512 1024 8192 2 2")
fi
: > "$OUT/bench.json"
for size in "${SIZES[@]}"; do
  read -r batch hidden samples epochs reps <<< "$size"
  timeout 300 "$BENCH" --device cuda --batch "$batch" --hidden "$hidden" --steps 100 --samples "$samples" \
    --epochs "$epochs" --reps "$reps" >> "$OUT/bench.json" 2> "$BUILD/bench.err" || { status=1; tail -5 "$BUILD/bench.err" >> "$LOG"; }
done
tee -a "$LOG" < "$OUT/bench.json"

phase "whole C++ suite"
timeout 240 "$TESTS" --gtest_output="json:$OUT/tests.json" > "$BUILD/tests.txt" 2>&1 || status=1
grep -E "^\[  FAILED  \]|^\[  PASSED  \]|tests ran" "$BUILD/tests.txt" | tail -20 | tee -a "$LOG"

if [ -n "$NODE" ]; then
  phase "TypeScript suite"
  (cd "$ROOT" && PATH="$(dirname "$NODE"):$PATH" npx vitest run > "$BUILD/vitest.txt" 2>&1) || status=1
  tail -5 "$BUILD/vitest.txt" | tee -a "$LOG"
fi
phase "done (status $status)"
exit $status
