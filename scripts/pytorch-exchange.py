#!/usr/bin/env python3
"""Checks torch-lstm's PyTorch weight exchange against real PyTorch (a developer tool; CI and users
never need Python).

Usage:
  python3 scripts/pytorch-exchange.py            # both directions (fixtures, then check)
  python3 scripts/pytorch-exchange.py fixtures   # PyTorch -> torch-lstm: (re)write test/fixtures/pytorch/
  python3 scripts/pytorch-exchange.py check      # torch-lstm -> PyTorch: load torch-lstm's state_dicts in torch

The first run makes a virtual environment in .cache/torch-venv (gitignored) with torch, safetensors
and numpy (torch's CPU wheel index when it is reachable, else PyPI), then re-runs itself there;
TORCH_PYTHON=/path/to/python uses an existing interpreter that has them instead.

fixtures: for each case of CASES, builds the PyTorch model (nn.LSTM / nn.GRU(batch_first=True), stacked
  into num_layers=n where the case maps Keras layers onto one module, bidirectional=True for a Keras
  Bidirectional, nn.Linear, nn.Embedding, nn.LayerNorm, nn.Dropout; PyTorch's own seeded
  initialization, so both recurrent biases are non-zero, with LayerNorm's weight and bias drawn too),
  saves its state_dict with safetensors.torch.save_file as <name>.safetensors, an input and PyTorch's
  output for it as <name>.io.safetensors (token ids as float32 for an Embedding case, torch-lstm's input
  dtype), and cases.json (the cases and the versions used). The vitest test
  test/native/pytorch-exchange.test.ts loads them with loadStateDict and compares predict with
  PyTorch's output (1e-5). Small files (a few KB), committed.
check: runs test/native/pytorch/write-exports.ts (vite-node; the addon must be built), which builds
  each case in torch-lstm with seeded weights, saveStateDict()s it and writes an input and
  torch-lstm's predict for it into .cache/pytorch-exchange/; then loads each state_dict here into
  the PyTorch model with load_state_dict(strict=True) and compares outputs (1e-5).
Exits 1 when an output differs by more than 1e-5.

The PyTorch side of a Bidirectional case without return_sequences takes h_n of both directions (what
Keras merges), not out[:, -1]. A Keras GRU maps to nn.GRU only with reset_after=True (the default).

Recorded result (Python 3.11.7, torch 2.15.0+cu132 from PyPI run on CPU, safetensors 0.8.0, numpy
2.4.6, torch-lstm 0.1.0), 10 cases (LSTM, stacked nn.LSTM, no bias, GRU, stacked nn.GRU, two-layer
bidirectional nn.LSTM, bidirectional nn.GRU, Embedding + LSTM + LayerNorm): torch-lstm -> PyTorch, all
10 load with strict=True and match within 1e-5 (worst 6e-8); PyTorch -> torch-lstm, the 10 fixtures
match in the vitest test (worst 2.4e-7, the LayerNorm case).
"""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".cache" / "torch-venv"
FIXTURES = ROOT / "test" / "fixtures" / "pytorch"
EXPORTS = ROOT / ".cache" / "pytorch-exchange"
TOLERANCE = 1e-5

# Each case: the Keras layers (torch-lstm side) in order, and the `modules` option mapping Keras layer
# names to PyTorch module names (default: the same name; {module, layer} for layer k of a
# multi-layer nn.LSTM). The PyTorch model is derived from the same description.
CASES = [
    {
        "name": "lstm-dense",
        "input_shape": [6, 3],
        "layers": [
            {"class_name": "LSTM", "name": "lstm", "units": 5, "use_bias": True, "return_sequences": False},
            {"class_name": "Dense", "name": "dense", "units": 2, "use_bias": True},
        ],
        "modules": {},
    },
    {
        "name": "lstm-sequences-dense-per-step",
        "input_shape": [5, 2],
        "layers": [
            {"class_name": "LSTM", "name": "lstm", "units": 4, "use_bias": True, "return_sequences": True},
            {"class_name": "Dense", "name": "dense", "units": 3, "use_bias": True},
        ],
        "modules": {},
    },
    {
        "name": "two-layer-nn-lstm",
        "input_shape": [7, 3],
        "layers": [
            {"class_name": "LSTM", "name": "lstm", "units": 4, "use_bias": True, "return_sequences": True},
            {"class_name": "LSTM", "name": "lstm_1", "units": 4, "use_bias": True, "return_sequences": False},
            {"class_name": "Dense", "name": "dense", "units": 1, "use_bias": True},
        ],
        "modules": {"lstm": "rnn", "lstm_1": {"module": "rnn", "layer": 1}, "dense": "fc"},
    },
    {
        "name": "no-bias",
        "input_shape": [5, 3],
        "layers": [
            {"class_name": "LSTM", "name": "lstm", "units": 4, "use_bias": False, "return_sequences": False},
            {"class_name": "Dense", "name": "dense", "units": 2, "use_bias": False},
        ],
        "modules": {},
    },
    {
        "name": "stacked-modules-dropout",
        "input_shape": [6, 2],
        "layers": [
            {"class_name": "LSTM", "name": "lstm", "units": 6, "use_bias": True, "return_sequences": True},
            {"class_name": "Dropout", "name": "dropout", "rate": 0.3},
            {"class_name": "LSTM", "name": "lstm_1", "units": 3, "use_bias": True, "return_sequences": False},
            {"class_name": "Dense", "name": "dense", "units": 2, "use_bias": True},
        ],
        "modules": {"dense": "head"},
    },
    {
        "name": "gru-dense",
        "input_shape": [6, 3],
        "layers": [
            {"class_name": "GRU", "name": "gru", "units": 5, "use_bias": True, "return_sequences": False},
            {"class_name": "Dense", "name": "dense", "units": 2, "use_bias": True},
        ],
        "modules": {},
    },
    {
        "name": "two-layer-nn-gru",
        "input_shape": [7, 3],
        "layers": [
            {"class_name": "GRU", "name": "gru", "units": 4, "use_bias": True, "return_sequences": True},
            {"class_name": "GRU", "name": "gru_1", "units": 4, "use_bias": True, "return_sequences": False},
            {"class_name": "Dense", "name": "dense", "units": 1, "use_bias": True},
        ],
        "modules": {"gru": "rnn", "gru_1": {"module": "rnn", "layer": 1}, "dense": "fc"},
    },
    {
        "name": "bidirectional-lstm-two-layers",
        "input_shape": [6, 3],
        "layers": [
            {"class_name": "Bidirectional", "name": "bidirectional", "layer": {"class_name": "LSTM", "units": 4, "use_bias": True, "return_sequences": True}},
            {"class_name": "Bidirectional", "name": "bidirectional_1", "layer": {"class_name": "LSTM", "units": 4, "use_bias": True, "return_sequences": False}},
            {"class_name": "Dense", "name": "dense", "units": 2, "use_bias": True},
        ],
        "modules": {"bidirectional": "rnn", "bidirectional_1": {"module": "rnn", "layer": 1}},
    },
    {
        "name": "bidirectional-gru-sequences",
        "input_shape": [5, 2],
        "layers": [
            {"class_name": "Bidirectional", "name": "bidirectional", "layer": {"class_name": "GRU", "units": 3, "use_bias": True, "return_sequences": True}},
            {"class_name": "Dense", "name": "dense", "units": 2, "use_bias": True},
        ],
        "modules": {},
    },
    {
        "name": "embedding-lstm-layernorm",
        "input_shape": [7],
        "vocab": 12,
        "layers": [
            {"class_name": "Embedding", "name": "embedding", "input_dim": 12, "output_dim": 4},
            {"class_name": "LSTM", "name": "lstm", "units": 5, "use_bias": True, "return_sequences": True},
            {"class_name": "LayerNormalization", "name": "layer_normalization", "epsilon": 1e-5},
            {"class_name": "Dense", "name": "dense", "units": 2, "use_bias": True},
        ],
        "modules": {"layer_normalization": "norm"},
    },
]
BATCH = 4
RECURRENT = ("LSTM", "GRU", "Bidirectional")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv() -> None:
    """Re-runs this script where torch is: TORCH_PYTHON, or .cache/torch-venv (created when missing)."""
    if os.environ.get("PYTORCH_EXCHANGE_CHILD") == "1":
        return
    python = os.environ.get("TORCH_PYTHON")
    if not python:
        if not venv_python().exists():
            print(f"pytorch-exchange: creating {VENV.relative_to(ROOT)} (torch, safetensors, numpy)", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            pip = [str(venv_python()), "-m", "pip", "install", "-q"]
            cpu = subprocess.run([*pip, "--timeout", "15", "--retries", "0", "--index-url", "https://download.pytorch.org/whl/cpu", "torch"])
            if cpu.returncode != 0:
                print("pytorch-exchange: the CPU wheel index is not reachable; installing torch from PyPI", flush=True)
                subprocess.run([*pip, "torch"], check=True)
            subprocess.run([*pip, "safetensors", "numpy"], check=True)
        python = str(venv_python())
    env = {**os.environ, "PYTORCH_EXCHANGE_CHILD": "1"}
    os.execve(python, [python, __file__, *sys.argv[1:]], env)


def module_refs(case):
    """Keras layer name -> (module, layer index) for the weighted layers."""
    refs = {}
    for layer in case["layers"]:
        if layer["class_name"] == "Dropout":
            continue
        ref = case["modules"].get(layer["name"], layer["name"])
        refs[layer["name"]] = (ref, 0) if isinstance(ref, str) else (ref["module"], ref.get("layer", 0))
    return refs


def build_torch_model(case):
    """The PyTorch model of a case: consecutive Keras recurrent layers mapped to one module become one
    nn.LSTM / nn.GRU(num_layers=n); a Keras Bidirectional is the module with bidirectional=True."""
    import torch
    import torch.nn as nn

    refs = module_refs(case)
    rnn_classes = {"LSTM": nn.LSTM, "GRU": nn.GRU}

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.plan = []  # (module name, kind, return_sequences)
            features = case["input_shape"][-1]
            for layer in case["layers"]:
                kind = layer["class_name"]
                if kind == "Dropout":
                    self.add_module(layer["name"], nn.Dropout(layer["rate"]))
                    self.plan.append((layer["name"], "dropout", None))
                    continue
                module, index = refs[layer["name"]]
                if kind in RECURRENT:
                    inner = layer["layer"] if kind == "Bidirectional" else layer
                    bidirectional = kind == "Bidirectional"
                    cls = rnn_classes[inner["class_name"]]
                    plan_kind = ("bi-" if bidirectional else "") + inner["class_name"].lower()
                    if index > 0:
                        rnn = getattr(self, module)
                        assert rnn.hidden_size == inner["units"] and self.plan[-1][0] == module
                        setattr(self, module, cls(rnn.input_size, rnn.hidden_size, num_layers=index + 1, bias=inner["use_bias"],
                                                  batch_first=True, bidirectional=bidirectional))
                        self.plan[-1] = (module, plan_kind, inner["return_sequences"])
                    else:
                        self.add_module(module, cls(features, inner["units"], bias=inner["use_bias"], batch_first=True, bidirectional=bidirectional))
                        self.plan.append((module, plan_kind, inner["return_sequences"]))
                    features = inner["units"] * (2 if bidirectional else 1)
                elif kind == "Embedding":
                    self.add_module(module, nn.Embedding(layer["input_dim"], layer["output_dim"]))
                    self.plan.append((module, "embedding", None))
                    features = layer["output_dim"]
                elif kind == "LayerNormalization":
                    norm = nn.LayerNorm(features, eps=layer["epsilon"])
                    with torch.no_grad():  # PyTorch starts at ones / zeros: make the fixture exercise both tensors
                        norm.weight.uniform_(0.5, 1.5)
                        norm.bias.uniform_(-0.5, 0.5)
                    self.add_module(module, norm)
                    self.plan.append((module, "norm", None))
                else:
                    self.add_module(module, nn.Linear(features, layer["units"], bias=layer["use_bias"]))
                    self.plan.append((module, "linear", None))
                    features = layer["units"]

        def forward(self, x):
            for name, kind, return_sequences in self.plan:
                module = getattr(self, name)
                if kind == "embedding":
                    x = module(x.long())
                elif kind in ("lstm", "gru"):
                    out, _ = module(x)
                    x = out if return_sequences else out[:, -1, :]
                elif kind in ("bi-lstm", "bi-gru"):
                    out, state = module(x)
                    h_n = state[0] if kind == "bi-lstm" else state
                    # Keras merges each direction's last output: h_n of the top layer, not out[:, -1].
                    x = out if return_sequences else torch.cat([h_n[-2], h_n[-1]], dim=-1)
                else:
                    x = module(x)
            return x

    return Net().eval()


def case_input(case):
    """An input batch for a case: token ids (as float32, torch-lstm's input dtype) or normal values."""
    import torch

    if "vocab" in case:
        return torch.randint(0, case["vocab"], (BATCH, *case["input_shape"])).float()
    return torch.randn(BATCH, *case["input_shape"])


def versions():
    import numpy
    import safetensors
    import torch

    return {
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "safetensors": safetensors.__version__,
        "numpy": numpy.__version__,
    }


def write_fixtures() -> None:
    import torch
    from safetensors.torch import save_file

    FIXTURES.mkdir(parents=True, exist_ok=True)
    for i, case in enumerate(CASES):
        torch.manual_seed(1234 + i)
        model = build_torch_model(case)
        x = case_input(case)
        with torch.no_grad():
            y = model(x)
        state = {k: v.contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(FIXTURES / f"{case['name']}.safetensors"))
        save_file({"input": x.contiguous(), "output": y.contiguous()}, str(FIXTURES / f"{case['name']}.io.safetensors"))
        print(f"fixture {case['name']}: {', '.join(f'{k} {list(v.shape)}' for k, v in state.items())}")
    document = {
        "made_by": "scripts/pytorch-exchange.py fixtures",
        "versions": versions(),
        "batch": BATCH,
        "cases": CASES,
    }
    (FIXTURES / "cases.json").write_text(json.dumps(document, indent=2) + "\n")
    for f in FIXTURES.iterdir():
        f.chmod(0o644)  # save_file creates 0600 files


def check_exports() -> int:
    import torch
    from safetensors.torch import load_file

    EXPORTS.mkdir(parents=True, exist_ok=True)
    vite_node = ROOT / "node_modules" / "vite-node" / "vite-node.mjs"
    writer = ROOT / "test" / "native" / "pytorch" / "write-exports.ts"
    cases_file = EXPORTS / "cases.json"
    cases_file.write_text(json.dumps({"batch": BATCH, "cases": CASES}))
    subprocess.run(["node", str(vite_node), str(writer), str(cases_file), str(EXPORTS)], check=True, cwd=ROOT)
    failures = 0
    for case in CASES:
        model = build_torch_model(case)
        state = load_file(str(EXPORTS / f"{case['name']}.safetensors"))
        model.load_state_dict(state, strict=True)
        io = load_file(str(EXPORTS / f"{case['name']}.io.safetensors"))
        with torch.no_grad():
            y = model(io["input"])
        diff = float((y.double() - io["output"].double()).abs().max())
        ok = y.shape == io["output"].shape and diff <= TOLERANCE
        failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} torch-lstm -> PyTorch {case['name']}: load_state_dict(strict=True), max|diff| {diff:.2e}")
    print(f"torch {torch.__version__}: {len(CASES) - failures} of {len(CASES)} torch-lstm state_dicts reproduce torch-lstm's outputs in PyTorch")
    return failures


def main() -> int:
    ensure_venv()
    mode = sys.argv[1] if len(sys.argv) > 1 else "all"
    if mode not in ("all", "fixtures", "check"):
        print(__doc__)
        return 2
    print("pytorch-exchange:", json.dumps(versions()))
    if mode in ("all", "fixtures"):
        write_fixtures()
    failures = check_exports() if mode in ("all", "check") else 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
