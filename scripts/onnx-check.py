#!/usr/bin/env python3
"""Checks torch-lstm's ONNX export with the `onnx` Python package (a developer tool; CI and users
never need Python).

Usage:
  python3 scripts/onnx-check.py            # export the test architectures, then check them
  python3 scripts/onnx-check.py A.onnx ... # check these files

The first run makes a virtual environment in .cache/onnx-venv (gitignored) with onnx and numpy
from PyPI, then re-runs itself there. With no file given, it writes the ONNX export tests'
architectures (test/native/onnx/cases.ts: every LSTM option, stacks, Dense stacks, every opset
from 13 to 23) into .cache/onnx-samples through test/native/onnx/write-samples.ts (vite-node, so
the addon must be built: `npm run build`), each with an input and torch-lstm's output for it.

For each file:
  1. onnx.checker.check_model(model, full_check=True) (structure, operator schemas, strict shape
     inference);
  2. where a <name>.json with input and output lies beside it: onnx's reference evaluator
     (onnx.reference, pure numpy) runs the model and its output is compared with torch-lstm's.
     Operators the evaluator does not implement are reported as skipped.
Exits 1 when a check fails or an output differs by more than 1e-5.

Recorded result (onnx 1.23.2, numpy 2.4, Python 3.11.7, torch-lstm 0.1.0): all 28 sample files
(15 architectures, returnState, unknown timesteps, the same model at opsets 13..23; IR versions 7..11)
pass check_model(full_check=True). The reference evaluator reproduces torch-lstm's outputs within
1e-5 (worst 1.2e-7) for the 24 files whose LSTMs use the default activations; it skips the 4 with an
`activations` attribute, because onnx.reference's LSTM ignores that attribute (it always computes
sigmoid/tanh). Those 4 are checked in onnxruntime-node by test/native/onnx-export.test.ts.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".cache" / "onnx-venv"
SAMPLES = ROOT / ".cache" / "onnx-samples"
REQUIREMENTS = ["onnx==1.23.2", "numpy"]
TOLERANCE = 1e-5


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    """Re-runs this script inside .cache/onnx-venv, creating it first when missing."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not venv_python().exists():
        print(f"onnx-check: creating {VENV.relative_to(ROOT)} with {' '.join(REQUIREMENTS)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(venv_python()), "-m", "pip", "install", "-q", *REQUIREMENTS], check=True)
    os.execv(str(venv_python()), [str(venv_python()), __file__, *sys.argv[1:]])


def write_samples() -> list:
    if SAMPLES.exists():
        for f in SAMPLES.iterdir():
            f.unlink()
    vite_node = ROOT / "node_modules" / "vite-node" / "vite-node.mjs"
    writer = ROOT / "test" / "native" / "onnx" / "write-samples.ts"
    subprocess.run(["node", str(vite_node), str(writer), str(SAMPLES)], check=True, cwd=ROOT)
    return sorted(SAMPLES.glob("*.onnx"))


def reference_diff(path: Path, sample: dict):
    """Max |reference - torch-lstm| on the sample's input, or a string saying why it was skipped."""
    import numpy as np
    import onnx
    from onnx.reference import ReferenceEvaluator

    model = onnx.load(str(path))
    if any(n.op_type == "LSTM" and any(a.name == "activations" for a in n.attribute) for n in model.graph.node):
        # onnx/reference/ops/op_lstm.py takes `activations` but computes sigmoid/tanh regardless.
        return "skipped (onnx.reference's LSTM ignores the activations attribute)"
    x = np.asarray(sample["input"]["data"], dtype=np.float32).reshape(sample["input"]["shape"])
    expected = np.asarray(sample["output"]["data"], dtype=np.float32).reshape(sample["output"]["shape"])
    try:
        (got, *_) = ReferenceEvaluator(str(path)).run(["output"], {"input": x})
    except NotImplementedError as err:
        return f"skipped ({err})"
    if got.shape != expected.shape:
        raise AssertionError(f"reference output shape {got.shape} but torch-lstm gave {expected.shape}")
    return float(np.max(np.abs(got.astype(np.float64) - expected)))


def main() -> int:
    ensure_venv()
    import onnx

    files = [Path(f) for f in sys.argv[1:]] or write_samples()
    failures = 0
    for path in files:
        model = onnx.load(str(path))
        try:
            onnx.checker.check_model(model, full_check=True)
            status = "checker ok"
        except onnx.checker.ValidationError as err:
            failures += 1
            print(f"FAIL {path.name}: {err}")
            continue
        sample_file = path.with_suffix(".json")
        if sample_file.exists():
            diff = reference_diff(path, json.loads(sample_file.read_text()))
            if isinstance(diff, str):
                status += f"; reference evaluator {diff}"
            else:
                status += f"; reference evaluator max|diff| {diff:.2e}"
                if diff > TOLERANCE:
                    failures += 1
                    status = "FAIL " + status
        opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
        print(f"{path.name} (IR {model.ir_version}, opset {opset}): {status}")
    print(f"onnx {onnx.__version__}: {len(files) - failures} of {len(files)} files passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
