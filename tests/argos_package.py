"""Builds a tiny but real `.argosmodel` for the tests: no network, no transformers, a few seconds.

The package has the layout argostranslate's installer expects (one top-level folder holding
`metadata.json`, `sentencepiece.model` and a CTranslate2 `model/`), and CTranslate2 really runs it.
Its weights are not trained; they are set by hand so that the model's behaviour is known:

- ``copy``: a one-layer Transformer whose cross-attention looks at the source position equal to the
  decoder step (position codes in their own dimensions, a large query scale), and whose output layer
  reads the attended source token back: the "translation" is the source text, token by token. With it
  the tests see placeholders come back through a real model, and names restored around them.
- ``no-digits``: the same, except that digit pieces can never be produced: every placeholder comes back
  mangled, which exercises the fallback.
- ``noise``: small random weights: nonsense output, as an untrained model would give.

The sentencepiece model is trained on the lines given (e.g. the samples) plus a few Latin lines, with
byte fallback, so that any text encodes without unknown pieces.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

LATIN_LINES = (
    "The Global Coalition against Daesh met in Marrakesh on 11 May 2022.",
    "Nasser Bourita, Minister of Foreign Affairs of Morocco, chaired the meeting with Antony Blinken.",
    "La Coalición Global contra Daesh se reunió en Marrakech el 11 de mayo de 2022.",
    "Ministers from 84 countries and organizations attended; 0123456789 ZX1 ZX2 ZX3 ZX10.",
)

BEHAVIOURS = ("copy", "no-digits", "noise")
_POSITIONS = 512
_POS_DIMS = 64
_TOKEN_DIMS = 64


def train_sentencepiece(lines: Iterable[str], vocab_size: int = 400) -> bytes:
    """A sentencepiece model (bytes) trained on `lines` and a few Latin lines."""
    import sentencepiece as spm

    text = [line.strip() for line in lines if line.strip()] + list(LATIN_LINES)
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        byte_fallback=True,
        hard_vocab_limit=False,
        num_threads=1,
        minloglevel=2,
    )
    return model.getvalue()


def _positions(dims: int) -> np.ndarray:
    """Sinusoidal codes: their dot product peaks sharply where two positions are equal.

    Each code is written twice, once negated, so that every row sums to zero and has the same norm:
    layer normalisation then scales all positions alike and the sharpest match stays the right one.
    """
    steps = np.arange(_POSITIONS)[:, None]
    freqs = np.pi / 2 * 0.8 ** np.arange(dims // 4)
    codes = np.concatenate([np.cos(steps * freqs), np.sin(steps * freqs)], axis=1)
    return np.concatenate([codes, -codes], axis=1).astype(np.float32)


def _token_codes(rng: np.random.Generator, size: int) -> np.ndarray:
    """Random token codes, each centred and of the same norm (for the same reason)."""
    codes = rng.standard_normal((size, _TOKEN_DIMS))
    codes -= codes.mean(axis=1, keepdims=True)
    codes *= np.sqrt(_TOKEN_DIMS) / np.linalg.norm(codes, axis=1, keepdims=True)
    return codes.astype(np.float32)


def _spec(vocab: list[str], behaviour: str, seed: int):
    import ctranslate2

    specs = ctranslate2.specs
    spec = specs.TransformerSpec.from_config(1, 1)
    spec.config.add_source_eos = True
    rng = np.random.default_rng(seed)
    size = len(vocab)
    dims = _POS_DIMS + _TOKEN_DIMS
    tok = slice(_POS_DIMS, dims)
    pos = slice(0, _POS_DIMS)

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.float32)

    def noise(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.2).astype(np.float32)

    def norm(layer, gamma: float = 1.0) -> None:
        layer.gamma = np.full(dims, gamma, dtype=np.float32)
        layer.beta = zeros(dims)

    def linear(layer, weight: np.ndarray) -> None:
        layer.weight = weight
        layer.bias = zeros(weight.shape[0])

    made = noise if behaviour == "noise" else zeros
    token_codes = _token_codes(rng, size)
    position_codes = zeros(_POSITIONS, dims)
    position_codes[:, pos] = _positions(_POS_DIMS)

    encoder, decoder = spec.encoder, spec.decoder
    encoder.scale_embeddings = False
    decoder.scale_embeddings = False
    source = zeros(size, dims)
    source[:, tok] = token_codes
    encoder.embeddings[0].weight = source if behaviour != "noise" else noise(size, dims)
    encoder.position_encodings.encodings = position_codes
    decoder.position_encodings.encodings = position_codes
    # The decoder's own input carries only its position: what it emits comes from the source.
    decoder.embeddings.weight = made(size, dims)
    for layer in (encoder.layer[0],):
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], made(3 * dims, dims))
        linear(layer.self_attention.linear[1], made(dims, dims))
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, made(4, dims))
        linear(layer.ffn.linear_1, made(dims, 4))
    norm(encoder.layer_norm)
    layer = decoder.layer[0]
    norm(layer.self_attention.layer_norm)
    linear(layer.self_attention.linear[0], made(3 * dims, dims))
    linear(layer.self_attention.linear[1], made(dims, dims))
    norm(layer.attention.layer_norm)
    query, keys_values, output = zeros(dims, dims), zeros(2 * dims, dims), zeros(dims, dims)
    if behaviour == "noise":
        query, keys_values, output = noise(dims, dims), noise(2 * dims, dims), noise(dims, dims)
    else:
        query[pos, pos] = 60.0 * np.eye(_POS_DIMS)  # a sharp look at the same position
        keys_values[pos, pos] = np.eye(_POS_DIMS)  # keys: the source position
        keys_values[dims:][tok, tok] = np.eye(_TOKEN_DIMS)  # values: the source token
        output[tok, tok] = 8.0 * np.eye(_TOKEN_DIMS)
    linear(layer.attention.linear[0], query)
    linear(layer.attention.linear[1], keys_values)
    linear(layer.attention.linear[2], output)
    norm(layer.ffn.layer_norm)
    linear(layer.ffn.linear_0, made(4, dims))
    linear(layer.ffn.linear_1, made(dims, 4))
    norm(decoder.layer_norm)
    projection = zeros(size, dims)
    projection[:, tok] = token_codes
    if behaviour == "noise":
        projection = noise(size, dims)
    linear(decoder.projection, projection)
    if behaviour == "no-digits":
        digits = [i for i, piece in enumerate(vocab) if re.search(r"[0-9]|<0x3[0-9]>", piece)]
        decoder.projection.bias[digits] = -1e4
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    return spec


def build_package(
    path: Path,
    lines: Iterable[str],
    source: str = "ar",
    target: str = "en",
    behaviour: str = "copy",
    version: str = "0.1",
    seed: int = 7,
    sentencepiece_model: bytes | None = None,
) -> Path:
    """Write a `.argosmodel` file at `path` (a zip of one folder) and return `path`."""
    import sentencepiece as spm

    if behaviour not in BEHAVIOURS:
        raise ValueError(f"behaviour must be one of {BEHAVIOURS}")
    model_bytes = sentencepiece_model or train_sentencepiece(lines)
    processor = spm.SentencePieceProcessor(model_proto=model_bytes)
    vocab = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    folder = f"translate-{source}_{target}-{version.replace('.', '_')}"
    metadata = {
        "package_version": version,
        "argos_version": "1.11",
        "from_code": source,
        "from_name": source,
        "to_code": target,
        "to_name": target,
        "type": "translate",
        "links": [],
    }
    with tempfile.TemporaryDirectory() as work:
        model_dir = Path(work) / "model"
        model_dir.mkdir()
        spec = _spec(vocab, behaviour, seed)
        spec.validate()
        spec.optimize(quantization="float16")  # halves the file; CTranslate2 converts at load
        spec.save(str(model_dir))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"{folder}/metadata.json", json.dumps(metadata, indent=2))
            archive.writestr(f"{folder}/sentencepiece.model", model_bytes)
            archive.writestr(f"{folder}/README.md", f"Test package ({behaviour}), not a translation model.\n")
            for file in sorted(model_dir.iterdir()):
                archive.write(file, f"{folder}/model/{file.name}")
    return path
