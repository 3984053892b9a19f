#!/usr/bin/env python3
"""Writes the Keras fixtures under test/fixtures/keras/: real Keras is the oracle of the import tests.

Run by a developer, never by CI (CI and users never need Python; the fixtures are committed):

    python3 scripts/keras-fixtures.py            # creates .cache/keras-venv on first use
    python3 scripts/keras-fixtures.py --only lstm_dense gru_reset_after
    python3 scripts/keras-fixtures.py --keras2   # the keras2_* fixtures, from Keras 2.15

The first run creates a virtual environment in .cache/keras-venv (gitignored) with the pinned
tensorflow-cpu (which brings Keras 3) and h5py from PyPI, then runs itself again inside it;
--keras2 does the same with .cache/keras2-venv and tensorflow-cpu 2.15 (Keras 2.15), for the
files Keras 2 users have.

For each fixture it writes test/fixtures/keras/<name>/:
  model.keras      the Keras 3 archive (zip: config.json, model.weights.h5, metadata.json)
  model.h5         the legacy HDF5 file (model.save("x.h5"): attribute model_config, group model_weights)
  input.json       {dtype, shape, data}: a small deterministic input
  expected.json    {model_class, layer_classes, outputs: [{shape, data}]}: Keras's predict(input)
  train_step.json  (some fixtures) one train_on_batch step: x, y, optimizer, loss, Keras's loss
                   value and the weights after the step, in model.get_weights() order
and test/fixtures/keras/VERSIONS.json (Python, TensorFlow, Keras, h5py, numpy) and README.md.

Every weight is overwritten with seeded uniform values after the model is built (biases
included: zero biases would hide a gate-order slip), so the numbers do not depend on the
initializers; the initializer configs still travel in the saved config. Saved models are
compiled (with the train step's optimizer and loss where there is one), as users' files are.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures" / "keras"
KERAS2 = "--keras2" in sys.argv[1:]
VENV = ROOT / ".cache" / ("keras2-venv" if KERAS2 else "keras-venv")
# Pinned so that a re-run reproduces the committed fixtures' environment (VERSIONS.json records it).
REQUIREMENTS = ["tensorflow-cpu==2.15.1", "keras==2.15.0", "h5py==3.14.0"] if KERAS2 else ["tensorflow-cpu==2.21.0", "keras==3.15.1", "h5py==3.14.0"]


def ensure_venv() -> None:
    """Re-runs this script inside its virtual environment, creating it first when needed."""
    python = VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not python.exists():
        print(f"creating {VENV.relative_to(ROOT)} and installing {' '.join(REQUIREMENTS)} (a few minutes, ~600 MB)")
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        subprocess.check_call([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    subprocess.check_call([str(python), "-m", "pip", "install", "-q", *REQUIREMENTS])
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


ensure_venv()

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["KERAS_BACKEND"] = "tensorflow"
os.environ["CUDA_VISIBLE_DEVICES"] = ""
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"

import warnings  # noqa: E402

warnings.filterwarnings("ignore")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

B, T, F = 3, 6, 3  # samples, timesteps, features of the float inputs


def floats(a: np.ndarray) -> list:
    """Flat float32 values with 9 significant digits (enough to round-trip float32)."""
    return [float(f"{v:.9g}") for v in np.asarray(a, dtype=np.float32).reshape(-1)]


def tensor_json(a: np.ndarray) -> dict:
    a = np.asarray(a)
    if np.issubdtype(a.dtype, np.integer):
        return {"dtype": "int32", "shape": list(a.shape), "data": [int(v) for v in a.reshape(-1)]}
    return {"dtype": "float32", "shape": list(a.shape), "data": floats(a)}


def float_input(seed: int, shape=(B, T, F)) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape).astype(np.float32)


def randomize_weights(model: keras.Model, seed: int) -> None:
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, size=w.shape).astype(np.float32) for w in model.get_weights()])


def layer_classes(model: keras.Model) -> list[str]:
    """Every layer class in the saved config (wrapped layers included), sorted."""
    found: set[str] = set()

    def walk(obj) -> None:
        if isinstance(obj, dict):
            if "class_name" in obj and isinstance(obj.get("config"), dict) and "module" in obj and str(obj["module"]).startswith("keras.layers"):
                found.add(obj["class_name"])
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    walk(json.loads(json.dumps(keras.saving.serialize_keras_object(model))))
    return sorted(found)


# ----------------------------------------------------------------------------------------------
# Fixtures: name -> (description, build() -> (model, x), train step or None)
# A train step: {optimizer: keras optimizer, loss: str, y: np.ndarray (targets for x)}.


def seq(input_shape, *stack, name=None) -> keras.Sequential:
    return keras.Sequential([keras.Input(input_shape), *stack], name=name)


def lstm_dense():
    model = seq((T, F), layers.LSTM(4), layers.Dense(2))
    return model, float_input(1)


def lstm_relu_backwards_nobias():
    model = seq(
        (T, F),
        layers.LSTM(4, activation="relu", use_bias=False, go_backwards=True, return_sequences=True),
        layers.Dense(2, activation="tanh"),
    )
    return model, float_input(2)


def lstm_hard_sigmoid_options():
    model = seq(
        (T, F),
        layers.LSTM(
            5,
            activation="tanh",
            recurrent_activation="hard_sigmoid",
            use_bias=True,
            dropout=0.2,
            recurrent_dropout=0.3,
            unit_forget_bias=False,
            kernel_initializer=keras.initializers.RandomUniform(-0.1, 0.1, seed=3),
            recurrent_initializer=keras.initializers.Orthogonal(gain=0.9, seed=4),
            bias_initializer=keras.initializers.Constant(0.05),
        ),
        layers.Dense(1),
    )
    return model, float_input(3)


def lstm_all_options_stacked():
    model = seq(
        (T, F),
        layers.LSTM(
            4,
            activation="tanh",
            recurrent_activation="sigmoid",
            use_bias=True,
            dropout=0.1,
            recurrent_dropout=0.15,
            return_sequences=True,
            go_backwards=True,
            unit_forget_bias=True,
            kernel_initializer="he_normal",
            recurrent_initializer="orthogonal",
            bias_initializer="zeros",
        ),
        layers.LSTM(3, kernel_initializer="lecun_uniform", recurrent_initializer=keras.initializers.Orthogonal(gain=1.5, seed=7)),
        layers.Dense(1, activation="sigmoid"),
    )
    return model, float_input(4)


def stacked_lstm_dense():
    model = seq((T, F), layers.LSTM(6, return_sequences=True), layers.LSTM(4), layers.Dense(3, activation="relu"), layers.Dense(1))
    return model, float_input(5)


def lstm_dropout_dense():
    model = seq(
        (T, F),
        layers.LSTM(5, return_sequences=True),
        layers.Dropout(0.3),
        layers.LSTM(3),
        layers.Dropout(0.2),
        layers.Dense(1),
    )
    return model, float_input(6)


def lstm_return_state():
    inp = keras.Input((T, F))
    out, h, c = layers.LSTM(4, return_state=True, return_sequences=True)(inp)
    return keras.Model(inp, [out, h, c]), float_input(7)


def functional_lstm_dense():
    inp = keras.Input((T, F))
    x = layers.LSTM(4)(inp)
    return keras.Model(inp, layers.Dense(2)(x)), float_input(8)


def gru_reset_after():
    return seq((T, F), layers.GRU(4, reset_after=True), layers.Dense(1)), float_input(9)


def gru_reset_before():
    return seq((T, F), layers.GRU(4, reset_after=False, return_sequences=True), layers.GRU(3, reset_after=False), layers.Dense(1)), float_input(10)


def bidirectional(mode: str, return_sequences: bool):
    def build():
        model = seq((T, F), layers.Bidirectional(layers.LSTM(3, return_sequences=return_sequences), merge_mode=mode), layers.Dense(1))
        return model, float_input(11)

    return build


def bidirectional_none():
    inp = keras.Input((T, F))
    fwd, bwd = layers.Bidirectional(layers.LSTM(3), merge_mode=None)(inp)
    return keras.Model(inp, [fwd, bwd]), float_input(12)


def embedding_mask_lstm():
    model = keras.Sequential(
        [keras.Input((T,), dtype="int32"), layers.Embedding(12, 4, mask_zero=True), layers.LSTM(3), layers.Dense(1, activation="sigmoid")]
    )
    # Post-padded rows, a pre-padded one, and one without padding.
    x = np.array([[3, 7, 1, 0, 0, 0], [0, 0, 5, 11, 2, 9], [4, 4, 8, 10, 6, 1]], dtype=np.int32)
    return model, x


def layer_norm_lstm():
    model = seq((T, F), layers.LSTM(4, return_sequences=True), layers.LayerNormalization(), layers.LSTM(3), layers.Dense(1))
    return model, float_input(13)


def attention_lstm():
    inp = keras.Input((T, F))
    values = layers.LSTM(4, return_sequences=True)(inp)
    attended = layers.Attention(use_scale=True)([values, values])
    out = layers.Dense(1)(layers.LSTM(2)(attended))
    return keras.Model(inp, out), float_input(14)


def simple_rnn():
    return seq((T, F), layers.SimpleRNN(4, return_sequences=True), layers.SimpleRNN(3, activation="relu"), layers.Dense(1)), float_input(15)


def attention_call_kwargs():
    # Options Keras passes as call arguments (torch-lstm: layer options), and nested weights
    # (MultiHeadAttention's query/key/value/output projections, TimeDistributed's Dense).
    inp = keras.Input((T, F))
    h = layers.LSTM(4, return_sequences=True)(inp)
    m = layers.MultiHeadAttention(num_heads=2, key_dim=3)(h, h, use_causal_mask=True)
    a, scores = layers.Attention(use_scale=True)([m, h], use_causal_mask=True, return_attention_scores=True)
    out = layers.TimeDistributed(layers.Dense(1))(a)
    return keras.Model(inp, [out, scores]), float_input(16)


def keras2_lstm_dense():
    # Keras 2 style: the input shape on the first layer (Keras 2 writes batch_input_shape).
    return keras.Sequential([layers.LSTM(4, input_shape=(T, F)), layers.Dense(2)]), float_input(101)


def keras2_stacked_lstm_dropout():
    model = keras.Sequential(
        [layers.LSTM(5, input_shape=(T, F), return_sequences=True, go_backwards=True), layers.Dropout(0.2), layers.LSTM(3), layers.Dense(1)]
    )
    return model, float_input(102)


def sgd(lr=0.1, momentum=0.0):
    return lambda: keras.optimizers.SGD(learning_rate=lr, momentum=momentum)


def adam(lr=0.01):
    return lambda: keras.optimizers.Adam(learning_rate=lr)


FIXTURES = {
    # name: (description, build, train step {optimizer, loss, y_seed} or None)
    "lstm_dense": ("LSTM(4) -> Dense(2)", lstm_dense, {"optimizer": sgd(0.1), "loss": "mse"}),
    "lstm_relu_backwards_nobias": (
        "LSTM(4, activation relu, use_bias False, go_backwards, return_sequences) -> Dense(2, tanh) on every step",
        lstm_relu_backwards_nobias,
        {"optimizer": adam(0.01), "loss": "mae"},
    ),
    "lstm_hard_sigmoid_options": (
        "LSTM(5, recurrent_activation hard_sigmoid, dropout, recurrent_dropout, unit_forget_bias False, "
        "RandomUniform/Orthogonal(gain)/Constant initializers) -> Dense(1)",
        lstm_hard_sigmoid_options,
        None,
    ),
    "lstm_all_options_stacked": (
        "LSTM(4, tanh/sigmoid, dropout, recurrent_dropout, return_sequences, go_backwards, he_normal) -> LSTM(3) -> Dense(1, sigmoid)",
        lstm_all_options_stacked,
        None,
    ),
    "stacked_lstm_dense": (
        "LSTM(6, return_sequences) -> LSTM(4) -> Dense(3, relu) -> Dense(1)",
        stacked_lstm_dense,
        {"optimizer": adam(0.01), "loss": "mse"},
    ),
    "lstm_dropout_dense": ("LSTM(5, return_sequences) -> Dropout(0.3) -> LSTM(3) -> Dropout(0.2) -> Dense(1)", lstm_dropout_dense, None),
    "lstm_return_state": ("functional: LSTM(4, return_sequences, return_state) -> [output, h, c]", lstm_return_state, None),
    "functional_lstm_dense": ("functional: LSTM(4) -> Dense(2)", functional_lstm_dense, None),
    "gru_reset_after": ("GRU(4, reset_after True) -> Dense(1)", gru_reset_after, {"optimizer": adam(0.01), "loss": "mse"}),
    "gru_reset_before": ("GRU(4, reset_after False, return_sequences) -> GRU(3, reset_after False) -> Dense(1)", gru_reset_before, None),
    "bidirectional_concat": ("Bidirectional(LSTM(3), merge_mode concat) -> Dense(1)", bidirectional("concat", False), None),
    "bidirectional_sum": ("Bidirectional(LSTM(3, return_sequences), merge_mode sum) -> Dense(1)", bidirectional("sum", True), None),
    "bidirectional_mul": ("Bidirectional(LSTM(3), merge_mode mul) -> Dense(1)", bidirectional("mul", False), None),
    "bidirectional_ave": ("Bidirectional(LSTM(3, return_sequences), merge_mode ave) -> Dense(1)", bidirectional("ave", True), None),
    "bidirectional_none": ("functional: Bidirectional(LSTM(3), merge_mode None) -> [forward, backward]", bidirectional_none, None),
    "embedding_mask_lstm": ("Embedding(12, 4, mask_zero) -> LSTM(3) -> Dense(1, sigmoid); int inputs with padding", embedding_mask_lstm, None),
    "layer_norm_lstm": ("LSTM(4, return_sequences) -> LayerNormalization -> LSTM(3) -> Dense(1)", layer_norm_lstm, None),
    "attention_lstm": ("functional: LSTM(4, return_sequences) -> Attention(use_scale)([h, h]) -> LSTM(2) -> Dense(1)", attention_lstm, None),
    "simple_rnn": ("SimpleRNN(4, return_sequences) -> SimpleRNN(3, relu) -> Dense(1)", simple_rnn, None),
    "attention_call_kwargs": (
        "functional: LSTM(4, return_sequences) -> MultiHeadAttention(2 heads, key_dim 3)(h, h, use_causal_mask) -> "
        "Attention(use_scale)([m, h], use_causal_mask, return_attention_scores) -> [TimeDistributed(Dense(1)), scores]",
        attention_call_kwargs,
        None,
    ),
}


# Written with --keras2 (Keras 2.15, tensorflow-cpu 2.15): what Keras 2 users have on disk.
KERAS2_FIXTURES = {
    "keras2_lstm_dense": ("Keras 2.15: LSTM(4, input_shape) -> Dense(2)", keras2_lstm_dense, {"optimizer": sgd(0.1), "loss": "mse"}),
    "keras2_stacked_lstm_dropout": (
        "Keras 2.15: LSTM(5, return_sequences, go_backwards) -> Dropout(0.2) -> LSTM(3) -> Dense(1)",
        keras2_stacked_lstm_dropout,
        None,
    ),
}
TABLE = KERAS2_FIXTURES if KERAS2 else FIXTURES


def write_json(path: Path, value, indent=None) -> None:
    text = json.dumps(value, indent=indent) if indent else json.dumps(value, separators=(",", ":"))
    path.write_text(text + "\n")


def outputs_of(model: keras.Model, x: np.ndarray) -> list[np.ndarray]:
    out = model.predict(x, verbose=0, batch_size=len(x))
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


def make(name: str, index: int) -> None:
    description, build, train = TABLE[name]
    keras.backend.clear_session()
    index += 100 if KERAS2 else 0
    keras.utils.set_random_seed(1000 + index)
    model, x = build()
    randomize_weights(model, 2000 + index)
    optimizer = train["optimizer"]() if train else keras.optimizers.Adam(learning_rate=0.001)
    loss = train["loss"] if train else "mse"
    model.compile(optimizer=optimizer, loss=loss)

    outputs = outputs_of(model, x)
    out_dir = OUT / name
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    model.save(out_dir / "model.keras")
    model.save(out_dir / "model.h5")
    write_json(out_dir / "input.json", tensor_json(x))
    write_json(
        out_dir / "expected.json",
        {
            "description": description,
            "model_class": model.__class__.__name__ if isinstance(model, keras.Sequential) else "Functional",
            "layer_classes": layer_classes(model),
            "outputs": [{"shape": list(o.shape), "data": floats(o)} for o in outputs],
        },
    )
    if train:
        y = np.random.default_rng(3000 + index).uniform(-1.0, 1.0, size=outputs[0].shape).astype(np.float32)
        weights_before = [w.copy() for w in model.get_weights()]
        loss_value = model.train_on_batch(x, y)
        loss_value = float(loss_value[0] if isinstance(loss_value, (list, tuple)) else loss_value)
        after = model.get_weights()
        names = [getattr(v, "path", v.name) for v in model.weights]
        assert any(not np.array_equal(a, b) for a, b in zip(weights_before, after)), "the step changed no weight"
        write_json(
            out_dir / "train_step.json",
            {
                "batch_size": int(len(x)),
                "x": tensor_json(x),
                "y": tensor_json(y),
                "optimizer": keras.optimizers.serialize(optimizer),
                "loss": loss,
                "loss_value": float(f"{loss_value:.9g}"),
                "weights_after": [{"name": n, "shape": list(w.shape), "data": floats(w)} for n, w in zip(names, after)],
            },
        )
    size = sum(p.stat().st_size for p in out_dir.iterdir())
    print(f"{name:28s} {size / 1024:6.1f} KB  {description}")


def write_readme() -> None:
    lines = [
        "# Keras fixtures",
        "",
        "Written by `scripts/keras-fixtures.py` (run by a developer; CI only reads these files). Real Keras",
        "is the oracle: `test/native/keras-import.test.ts` loads every fixture whose layers torch-lstm",
        "offers from both files and compares its predictions with Keras's (1e-5), and replays the",
        "one-step training fixtures (loss and updated weights within 1e-4). The versions that wrote",
        "them are in `VERSIONS.json`.",
        "",
        "Each directory holds `model.keras` (Keras 3 archive), `model.h5` (legacy HDF5), `input.json`,",
        "`expected.json` (Keras's `predict(input)`, the model class and every layer class) and, for some,",
        "`train_step.json` (one `train_on_batch`: x, y, optimizer, loss, Keras's loss value and the weights",
        "after the step in `model.get_weights()` order). Every weight, biases included, holds seeded",
        "uniform values, so a slip in gate order or layout shows.",
        "",
        "The `keras2_*` fixtures come from Keras 2.15 (`--keras2`; their versions are under `keras2` in",
        "`VERSIONS.json`): Keras 2 writes the input shape on the first layer, `:0` weight names in `.h5`",
        "files and `Custom>Adam`-style optimizer names.",
        "",
        "Regenerate (creates `.cache/keras-venv`, or `.cache/keras2-venv` with `--keras2`, with the pinned",
        "TensorFlow/Keras from PyPI on first use):",
        "",
        "```sh",
        "python3 scripts/keras-fixtures.py",
        "python3 scripts/keras-fixtures.py --only lstm_dense   # just one",
        "python3 scripts/keras-fixtures.py --keras2",
        "```",
        "",
        "| fixture | architecture | train step |",
        "| --- | --- | --- |",
    ]
    for name, (description, _build, train) in {**FIXTURES, **KERAS2_FIXTURES}.items():
        step = ""
        if train:
            opt = train["optimizer"]()
            step = f"{opt.__class__.__name__}(lr {float(opt.learning_rate):g}), {train['loss']}"
        lines.append(f"| `{name}` | {description} | {step} |")
    (OUT / "README.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="fixture names to (re)write; default: all")
    parser.add_argument("--keras2", action="store_true", help="write the keras2_* fixtures with Keras 2.15")
    args = parser.parse_args()
    names = args.only or list(TABLE)
    unknown = [n for n in names if n not in TABLE]
    if unknown:
        sys.exit(f"unknown fixture(s): {', '.join(unknown)}; known: {', '.join(TABLE)}")
    OUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        make(name, list(TABLE).index(name))
    versions_file = OUT / "VERSIONS.json"
    versions = json.loads(versions_file.read_text()) if versions_file.exists() else {}
    current = {
        "python": sys.version.split()[0],
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "h5py": h5py.__version__,
        "hdf5": h5py.version.hdf5_version,
        "numpy": np.__version__,
    }
    if KERAS2:
        versions["keras2"] = {"fixtures": sorted(KERAS2_FIXTURES), **current}
    else:
        versions = {"generated_by": "scripts/keras-fixtures.py", **current, **({"keras2": versions["keras2"]} if "keras2" in versions else {})}
    write_json(versions_file, versions, indent=2)
    write_readme()


if __name__ == "__main__":
    main()
