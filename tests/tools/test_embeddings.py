"""The batched encoder gives the model's own embeddings, in input order, whatever the lengths and batch sizes."""

import numpy as np
import pytest

from tools.embeddings import encode, load_encoder

TEXTS = [
    "Our winter candle sale starts Friday!",
    "",
    "ok",
    "🔥🔥🔥 best jar ever @user http",
    "a much longer complaint about a cracked jar that arrived broken and nobody answered my emails " * 30,  # > 256
    "Shipping was slow but the scent is lovely.",
    "LOL",
]


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_encode_matches_the_models_own_encode_in_input_order(batch_size):
    expected = load_encoder().encode(TEXTS, batch_size=8, normalize_embeddings=True)
    got = encode(TEXTS, batch_size=batch_size)
    assert got.shape == (len(TEXTS), 384) and got.dtype == np.float32
    assert np.abs(got - expected).max() < 1e-5
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_no_texts_give_no_rows():
    assert encode([]).shape == (0, 384)


def test_the_encoder_runs_on_one_torch_thread():
    import torch

    load_encoder()
    assert torch.get_num_threads() == 1
