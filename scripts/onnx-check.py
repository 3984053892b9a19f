#!/usr/bin/env python3
"""Checks torch-lstm's ONNX export with the `onnx` Python package (a developer tool; CI and users
never need Python).

Usage:
  python3 scripts/onnx-check.py            # export the test architectures, then check them
  python3 scripts/onnx-check.py A.onnx ... # check these files

The first run makes a virtual environment in .cache/onnx-venv (gitignored) with onnx and numpy
from PyPI, then re-runs itself there. With no file given, it writes the ONNX export tests'
architectures (test/native/onnx/cases.ts, layer-cases.ts, functional-cases.ts: every LSTM option,
GRU, SimpleRNN, PeepholeLSTM, Bidirectional, LayerNormalization, Embedding and masks, Masking,
TimeDistributed, pooling, attention, TransformerEncoder, functional graphs; plus two models at every
opset from 13 to 23) into .cache/onnx-samples through test/native/onnx/write-samples.ts (vite-node,
so the addon must be built: `npm run build`), each with its inputs and torch-lstm's outputs for them.

For each file:
  1. onnx.checker.check_model(model, full_check=True) (structure, operator schemas, strict shape
     inference);
  2. where a <name>.json with inputs and outputs lies beside it: onnx's reference evaluator
     (onnx.reference, pure numpy) runs the model and every output is compared with torch-lstm's.
     Operators the evaluator does not implement, and recurrent operators with an `activations`
     attribute or a `sequence_lens` input (which onnx.reference ignores), are reported as skipped.
Exits 1 when a check fails or an output differs by more than 1e-5.

Recorded result (onnx 1.23.2, numpy 2.4, Python 3.11.7, torch-lstm 0.1.0): all 82 sample files
(60 architectures; two models at every opset 13..23; IR versions 7..11) pass
check_model(full_check=True). The reference evaluator reproduces torch-lstm's outputs within 1e-5
(worst 5.1e-7, LayerNormalization) for the 55 files it can run; it skips 7 whose LSTM/GRU/RNN have an
`activations` attribute and 20 whose recurrent operators run masked sequences with `sequence_lens`
(onnx.reference ignores both). Those 27 are checked in onnxruntime-node by
test/native/onnx-export.test.ts, as every file is.
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
    written = subprocess.run(["node", str(vite_node), str(writer), str(SAMPLES)], cwd=ROOT)
    if written.returncode != 0:
        print("onnx-check: some samples could not be written (see above); checking the others", flush=True)
    return sorted(SAMPLES.glob("*.onnx"))


RECURRENT_OPS = ("LSTM", "GRU", "RNN")


def reference_skip_reason(model):
    """Why onnx.reference cannot be trusted on this model (None when it can)."""
    for node in model.graph.node:
        if node.op_type not in RECURRENT_OPS:
            continue
        if any(a.name == "activations" for a in node.attribute):
            # onnx/reference/ops/op_lstm.py and op_gru.py take `activations` but compute sigmoid/tanh regardless.
            return f"onnx.reference's {node.op_type} ignores the activations attribute"
        if len(node.input) > 4 and node.input[4]:
            # The masked export runs the operator with sequence_lens, which onnx.reference ignores.
            return f"onnx.reference's {node.op_type} ignores sequence_lens"
    return None


def reference_diff(path: Path, sample: dict):
    """Max |reference - torch-lstm| over every output on the sample's inputs, or a string saying why it was skipped."""
    import numpy as np
    import onnx
    from onnx.reference import ReferenceEvaluator

    model = onnx.load(str(path))
    reason = reference_skip_reason(model)
    if reason:
        return f"skipped ({reason})"
    feeds = {t["name"]: np.asarray(t["data"], dtype=np.float32).reshape(t["shape"]) for t in sample["inputs"]}
    names = [t["name"] for t in sample["outputs"]]
    try:
        got = ReferenceEvaluator(str(path)).run(names, feeds)
    except NotImplementedError as err:
        return f"skipped ({err})"
    worst = 0.0
    for value, t in zip(got, sample["outputs"]):
        expected = np.asarray(t["data"], dtype=np.float32).reshape(t["shape"])
        if value.shape != expected.shape:
            raise AssertionError(f"reference output {t['name']} has shape {value.shape} but torch-lstm gave {expected.shape}")
        worst = max(worst, float(np.max(np.abs(value.astype(np.float64) - expected))) if expected.size else 0.0)
    return worst


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
