"""The int8 sentiment encoder: built once into the model cache, close to the full model, the same text alone or not."""

from __future__ import annotations

import numpy as np
import pytest

from tools.embeddings import encode as encode_fp32
from tools.sentiment import encoder
from tools.sentiment.encoder import EncoderBuildError, encode, model_path

TEXTS = [
    "Our winter candle sale starts Friday!",
    "the jar arrived cracked and nobody answers my emails",
    "ok",
    "fire fire best jar ever @user http",
    "a much longer complaint about a cracked jar that arrived broken " * 30,
]


def test_the_model_is_built_once_into_the_cache(model_cache):
    path = model_path()
    assert path.parent == model_cache and path.name == f"{encoder.model_key()}.onnx"
    built = path.stat().st_mtime_ns
    assert model_path().stat().st_mtime_ns == built  # found, not rebuilt
    assert not list(model_cache.glob("tmp*"))  # the scratch export is gone


def test_embeddings_stay_close_to_the_full_precision_model():
    got, full = encode(TEXTS), encode_fp32(TEXTS)
    assert got.shape == (len(TEXTS), 384) and got.dtype == np.float32
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (got * full).sum(axis=1).min() > 0.95


def test_a_text_gets_the_same_embedding_alone_and_among_others():
    together = encode(TEXTS)
    for i, text in enumerate(TEXTS):
        assert np.array_equal(encode([text])[0], together[i])
    assert encode([]).shape == (0, 384)


def test_an_unwritable_cache_is_named_with_what_to_set(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(encoder.CACHE_ENV, str(blocked / "cache"))
    with pytest.raises(EncoderBuildError, match=r"BRANDPILOT_MODEL_CACHE to a writable folder"):
        model_path()


def test_a_damaged_model_file_is_named_so_it_can_be_deleted(tmp_path, monkeypatch):
    monkeypatch.setenv(encoder.CACHE_ENV, str(tmp_path))
    (tmp_path / f"{encoder.model_key()}.onnx").write_bytes(b"not a model")
    encoder.load_session.cache_clear()
    try:
        with pytest.raises(EncoderBuildError, match=r"delete it and it will be built again"):
            encoder.load_session()
    finally:
        encoder.load_session.cache_clear()


def test_the_default_cache_is_the_users_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(encoder.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert encoder.cache_dir() == tmp_path / "brandpilot"


def test_building_leaves_the_shared_encoder_as_it_was(tmp_path, monkeypatch):
    from tools.embeddings import load_encoder

    before = encode_fp32(TEXTS)
    monkeypatch.setenv(encoder.CACHE_ENV, str(tmp_path))
    assert model_path().is_file()  # built now, from the encoder routing and retrieval share
    assert not load_encoder()[0].auto_model.training  # the exporter must not leave dropout on
    assert np.abs(encode_fp32(TEXTS) - before).max() < 1e-6


def test_sentiment_and_routing_encoders_can_run_at_once_from_many_threads():
    from concurrent.futures import ThreadPoolExecutor

    expected_int8, expected_full = encode(TEXTS), encode_fp32(TEXTS)
    jobs = [(encode, expected_int8), (encode_fp32, expected_full)] * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda job: (job[0](TEXTS), job[1]), jobs))
    for got, expected in results:
        assert np.abs(got - expected).max() < 1e-5
