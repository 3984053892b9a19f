#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU and a pip-installed torch (no Node needed),
# build native/core with its C++ tests and the engine bench against that torch, run them on
# CUDA, and write the results as JSON under $OUT (default ./gpu-check-out).
#
#   scripts/gpu-check.sh [--quick] [--node /path/to/node]
#
# Results: tests.json (GoogleTest report; the CUDA tests: cuDNN vs CPU parity, fp16 AMP with loss
# scaling, bf16), bench.json (one line per configuration: torch-lstm fused / cell loop x fp32 /
# mixed, raw LibTorch fp32 / autocast, samples/s; W2 scaled up: B=256, H=512, T=100),
# nvidia-smi.txt, versions.json. With --node, also runs the TypeScript suite (vitest).
set -u
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$ROOT/gpu-check-out}"
BUILD="${BUILD:-$ROOT/build-gpu}"
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
mkdir -p "$OUT"
PY="${PYTHON:-python3}"
TORCH_PREFIX="$($PY -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')" || { echo "no pip torch for $PY" >&2; exit 1; }
$PY - > "$OUT/versions.json" <<'PYEOF'
import json, torch
print(json.dumps({"torch": torch.__version__, "cuda": torch.version.cuda, "cudnn": torch.backends.cudnn.version(),
                  "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}))
PYEOF
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true
JOBS="${JOBS:-$(nproc)}"
# The C++ tests need GoogleTest's CMake package (Debian/Ubuntu: libgtest-dev; or GTEST_ROOT=<prefix>).
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTL_BUILD_TESTS=ON -DTL_BUILD_BENCH=ON \
  -DTorch_DIR="$TORCH_PREFIX/Torch" > "$OUT/cmake.log" 2>&1 || { tail -30 "$OUT/cmake.log"; exit 1; }
cmake --build "$BUILD" --target tl_core_tests tl_bench_engine -j "$JOBS" > "$OUT/build.log" 2>&1 || { tail -40 "$OUT/build.log"; exit 1; }
status=0
"$BUILD/tl_core_tests" --gtest_output="json:$OUT/tests.json" > "$OUT/tests.txt" 2>&1 || status=1
tail -5 "$OUT/tests.txt"
if [ "$QUICK" = 1 ]; then
  BENCH_ARGS=(--device cuda --batch 256 --hidden 512 --steps 100 --samples 2048 --epochs 2 --reps 2)
else
  BENCH_ARGS=(--device cuda --batch 256 --hidden 512 --steps 100 --samples 8192 --epochs 3 --reps 3)
fi
"$BUILD/tl_bench_engine" "${BENCH_ARGS[@]}" > "$OUT/bench.json" 2> "$OUT/bench.err" || status=1
cat "$OUT/bench.json"
if [ -n "$NODE" ]; then
  (cd "$ROOT" && PATH="$(dirname "$NODE"):$PATH" npx vitest run > "$OUT/vitest.txt" 2>&1) || status=1
  tail -5 "$OUT/vitest.txt"
fi
exit $status
