"""Find near-duplicate articles in one run: the same wire story syndicated with small edits.

Exact duplicates are the store's job (it keys articles by content hash). This
module catches the rest: Reuters or AP copy that an outlet retitled, trimmed or
corrected, which would otherwise be coded twice and double its events.

How an article is judged, top to bottom:

1. Its text is normalised (lower case; every run of punctuation and whitespace
   becomes one space) and cut into overlapping word shingles (5 words by default).
2. A text with fewer than :data:`MIN_WORDS` words is never judged: a few dozen
   words are too little evidence, and exact copies of those are left to the store.
3. A seeded datasketch ``MinHash`` of the shingle set is looked up in a
   ``MinHashLSH`` index of the articles kept so far in this run.
4. Each candidate the index returns is verified with the MinHash estimate of its
   Jaccard similarity; if the best one reaches ``threshold`` the article is a
   near-duplicate and gets a ``DUPLICATE`` rejection naming the article it copies.
   Otherwise it is kept and added to the index.

The first article seen wins: a later copy is rejected, never the earlier one.
Rejected copies are not indexed, so the index holds only distinct articles. An
exact copy of a long article is caught here too, with an estimated Jaccard of 1.00.

The index is per run and lives in memory: it grows linearly with the number of
distinct (kept) articles in one run and is never persisted, so a copy of an
article coded in an earlier run is not caught here. With the defaults (64
permutations, 8 bands of 8) it holds 1.0 to 1.1 KB per kept article (10 to 11 MB
per 10,000, measured up to 100,000) and costs 0.3 ms for a 135-word article to
0.7 ms for a 380-word one, mostly hashing shingles (Reuters-21578 and BBC news,
one CPU core). Run one instance where all articles pass through a single process
(before fanning out to workers), or each worker only sees copies within its share.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Hashable, Iterable, Iterator
from typing import Any, Final

import numpy as np
from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]
from datasketch.storage import (  # type: ignore[import-untyped]
    OrderedStorage,
    UnorderedStorage,
)
from numpy.typing import NDArray

from thucydides.errors import ConfigError
from thucydides.records import Article, Rejection, RejectReason

__all__ = ["MIN_WORDS", "NearDuplicates"]

logger = logging.getLogger(__name__)

#: Texts with fewer words than this are never judged near-duplicates (too little evidence).
MIN_WORDS: Final = 30

#: Seed of the MinHash permutations: fixed, so that verdicts are the same in every run.
_SEED: Final = 20240305

#: Chance, at least, that the LSH index offers a kept article whose Jaccard similarity
#: is exactly at the threshold as a candidate (higher above it: 0.99 at 0.90 with the
#: defaults). A missed copy is coded twice; a spare candidate costs one comparison.
_LSH_RECALL: Final = 0.9

# A word is a run of letters, digits or underscores; everything between words
# (punctuation, whitespace, line breaks) collapses to one separator.
_WORD = re.compile(r"\w+")


class NearDuplicates:
    """Remember the articles of one run and reject later near-copies of them.

    ``threshold`` is the estimated Jaccard similarity of the two shingle sets at
    or above which an article is a near-duplicate; ``num_perm`` the number of
    MinHash permutations (more is more precise, slower and bigger); ``shingle``
    the number of words per shingle. Verdicts are deterministic: the same
    articles in the same order give the same rejections in every run.
    """

    def __init__(self, *, threshold: float = 0.85, num_perm: int = 64, shingle: int = 5) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ConfigError(
                f"near-duplicate threshold must be a Jaccard similarity in (0, 1], got {threshold!r}; "
                "use e.g. 0.85 (higher rejects only closer copies)"
            )
        if num_perm < 16:
            raise ConfigError(
                f"num_perm must be at least 16 for a usable MinHash estimate, got {num_perm!r}; "
                "use e.g. 64 (the default) or 128"
            )
        if shingle < 1:
            raise ConfigError(
                f"shingle must be a positive number of words, got {shingle!r}; use e.g. 5 (the default)"
            )
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        # A template whose permutations every article's MinHash shares: building
        # them (seeded RNG) costs ~170 µs, copying the template ~15 µs.
        self._template = MinHash(num_perm=num_perm, seed=_SEED)
        self._lsh = _CompactLSH(num_perm=num_perm, params=_band_params(threshold, num_perm))
        # Kept article i has LSH key i, id self._ids[i] and its MinHash signature
        # at self._signatures[i * num_perm : (i + 1) * num_perm] (uint32): one flat
        # buffer instead of a MinHash object each, for the verify step.
        self._ids: list[str] = []
        self._signatures = bytearray()

    def __len__(self) -> int:
        """Return how many distinct articles are remembered (kept, long enough to judge)."""
        return len(self._ids)

    def check(self, article: Article) -> Rejection | None:
        """Return a ``DUPLICATE`` rejection if ``article`` nearly copies one seen before, else ``None``.

        An article that is not a near-duplicate is remembered, so that later
        copies of it are rejected. Texts under :data:`MIN_WORDS` words are
        neither judged nor remembered.
        """
        shingles = self._shingles(article.text)
        if shingles is None:
            return None
        minhash = self._template.copy()
        minhash.update_batch(shingles)
        signature: NDArray[np.uint32] = minhash.hashvalues
        match = self._best_match(minhash, signature)
        if match is not None:
            key, similarity = match
            original = self._ids[key]
            logger.debug(
                "%s is a near-duplicate of %s (estimated Jaccard %.2f)",
                article.article_id,
                original,
                similarity,
            )
            return Rejection(
                article.origin or article.article_id,
                RejectReason.DUPLICATE,
                f"near-duplicate of article {original} (estimated Jaccard {similarity:.2f} "
                f"over {self.shingle}-word shingles); it is not coded again",
                article.content_hash,
            )
        key = len(self._ids)
        # Keys are fresh integers, so the duplicate-key lookup can be skipped.
        self._lsh.insert(key, minhash, check_duplication=False)
        self._ids.append(article.article_id)
        self._signatures += signature.tobytes()
        return None

    def _shingles(self, text: str) -> list[bytes] | None:
        """Return the article's word shingles as UTF-8 bytes, or ``None`` if it is too short to judge."""
        words = _WORD.findall(text.lower())
        if len(words) < MIN_WORDS:
            return None
        k = min(self.shingle, len(words))
        # The k shifted word lists have different lengths on purpose: zip stops at
        # the last full shingle.
        grams = zip(*(words[i:] for i in range(k)), strict=False)
        return [" ".join(gram).encode("utf-8") for gram in grams]

    def _best_match(
        self, minhash: MinHash, signature: NDArray[np.uint32]
    ) -> tuple[int, float] | None:
        """Return the key and estimated Jaccard of the closest kept article at or over the threshold.

        The LSH candidates are only likely matches; each is verified against its
        stored signature. Ties go to the article seen first.
        """
        best: tuple[int, float] | None = None
        width = self.num_perm * signature.itemsize
        for key in sorted(self._lsh.query(minhash)):
            # Slicing copies (a few hundred bytes): a view would pin the bytearray,
            # which then could not grow.
            stored = np.frombuffer(
                self._signatures[key * width : (key + 1) * width], dtype=signature.dtype
            )
            similarity = float(np.count_nonzero(stored == signature)) / self.num_perm
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (key, similarity)
        return best


def _band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Return the LSH (bands, rows per band) that finds articles at ``threshold`` with :data:`_LSH_RECALL`.

    The longest band that still reaches the recall is chosen: longer bands mean
    fewer spare candidates and fewer bands to store. datasketch's own optimiser
    weighs missed and spare candidates equally, which for 64 permutations at
    0.85 gives 4 bands of 15 and misses 40% of copies at a Jaccard of 0.90.
    """
    for rows in range(num_perm // 2, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= _LSH_RECALL:
            return bands, rows
    return num_perm, 1


def _band_key(band: bytes) -> bytes:
    """Return an 8-byte digest of one LSH band (8 hash values, 32 bytes, by default).

    The index stores one bucket key per band per kept article; a rare digest
    collision only adds a candidate that the verify step then drops.
    """
    return hashlib.blake2b(band, digest_size=8).digest()


class _CompactLSH(MinHashLSH):  # type: ignore[misc]
    """A datasketch ``MinHashLSH`` with leaner in-memory buckets and no key table.

    datasketch's in-memory storage keeps a ``set`` per bucket (216 bytes even for
    one key) and a key -> band-hashes table that only ``remove`` and duplicate-key
    checks read. This index never removes and its keys are fresh integers, so the
    buckets hold a bare int (a list once shared) and the key table is dropped:
    about 1.1 KB instead of 2.8 KB per article with 8 bands. The banding, hashing
    and query logic stay datasketch's.
    """

    def __init__(self, *, num_perm: int, params: tuple[int, int]) -> None:
        super().__init__(num_perm=num_perm, params=params, hashfunc=_band_key)
        self.hashtables = [_Buckets() for _ in range(self.b)]
        self.keys = _NoKeys()


class _Buckets(UnorderedStorage):  # type: ignore[misc]
    """One band's buckets: band digest -> the int key in it, or a list when several share it."""

    def __init__(self) -> None:
        self._dict: dict[Hashable, int | list[int]] = {}

    def keys(self) -> Iterable[Hashable]:
        return self._dict.keys()

    def get(self, key: Hashable) -> list[int]:
        found = self._dict.get(key)
        if found is None:
            return []
        return [found] if isinstance(found, int) else found

    def insert(self, key: Hashable, *vals: int, **kwargs: Any) -> None:
        for val in vals:
            found = self._dict.get(key)
            if found is None:
                self._dict[key] = val
            elif isinstance(found, int):
                if found != val:
                    self._dict[key] = [found, val]
            elif val not in found:
                found.append(val)

    def remove(self, *keys: Hashable, **kwargs: Any) -> None:
        for key in keys:
            del self._dict[key]

    def remove_val(self, key: Hashable, val: int, **kwargs: Any) -> None:
        remaining = [v for v in self.get(key) if v != val]
        if not remaining:
            del self._dict[key]
        else:
            self._dict[key] = remaining[0] if len(remaining) == 1 else remaining

    def size(self) -> int:
        return len(self._dict)

    def itemcounts(self, **kwargs: Any) -> dict[Hashable, int]:
        return {key: len(self.get(key)) for key in self._dict}

    def has_key(self, key: Hashable) -> bool:
        return key in self._dict


class _NoKeys(OrderedStorage):  # type: ignore[misc]
    """A key table that keeps nothing: :class:`NearDuplicates` never removes or re-checks keys."""

    def keys(self) -> Iterator[Hashable]:
        return iter(())

    def get(self, key: Hashable) -> list[Hashable]:
        return []

    def insert(self, key: Hashable, *vals: Hashable, **kwargs: Any) -> None:
        return None

    def remove(self, *keys: Hashable, **kwargs: Any) -> None:
        return None

    def remove_val(self, key: Hashable, val: Hashable, **kwargs: Any) -> None:
        return None

    def size(self) -> int:
        return 0

    def itemcounts(self, **kwargs: Any) -> dict[Hashable, int]:
        return {}

    def has_key(self, key: Hashable) -> bool:
        return False
