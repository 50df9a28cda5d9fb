"""One token per CJK character; runs of Latin letters and digits stay whole.

Character tokens never misalign a span (no segmenter to disagree with the gold), and
each token's NORM is its OpenCC Traditional->Simplified form, computed per character
so offsets never shift: the model embeds NORM, so 東湖區 reads like 东湖区.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Union

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import ensure_path, registry
from spacy.vocab import Vocab

# ASCII and full-width letters/digits form one token; any other non-space char is one token.
TOKEN_PATTERN = r"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+|\S"


@lru_cache(maxsize=None)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=200_000)
def simplified_norm(text: str) -> str:
    """Token text -> its NORM: NFKC width folding, lower case, Traditional->Simplified per char."""
    return to_simplified(unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=None)
def _simplified_char(ch: str) -> str:
    # OpenCC's pure-Python converter is slow per call; the character set is small.
    simple = _converter().convert(ch)
    return simple if len(simple) == 1 else ch


def to_simplified(text: str) -> str:
    """Whole text -> Simplified, character for character (same length, same offsets)."""
    return "".join(map(_simplified_char, text))


def to_traditional(text: str) -> str:
    """Simplified text -> Traditional, character for character (for robustness tests)."""
    from opencc import OpenCC

    convert = OpenCC("s2t").convert
    out = []
    for ch in text:
        trad = convert(ch)
        out.append(trad if len(trad) == 1 else ch)
    return "".join(out)


def _add_gap(words: List[str], spaces: List[bool], gap: str) -> None:
    """Text between two matches: one space becomes the previous token's trailing
    space; anything more (leading or repeated whitespace) is a token, as in spaCy."""
    if words and gap.startswith(" "):
        spaces[-1] = True
        gap = gap[1:]
    if gap:
        words.append(gap)
        spaces.append(False)


class CharTokenizer:
    """Character tokenizer for Chinese report text, with Simplified NORMs."""

    def __init__(self, vocab: Vocab, pattern: str = TOKEN_PATTERN) -> None:
        self.vocab = vocab
        self.pattern = pattern
        self._regex = re.compile(pattern)
        self._normed: set = set()

    def __call__(self, text: str) -> Doc:
        words: List[str] = []
        spaces: List[bool] = []
        pos = 0
        for m in self._regex.finditer(text):
            start = m.start()
            if start > pos:
                _add_gap(words, spaces, text[pos:start])
            words.append(m.group())
            spaces.append(False)
            pos = m.end()
        if pos < len(text):
            _add_gap(words, spaces, text[pos:])
        self._set_norms(words)
        return Doc(self.vocab, words=words, spaces=spaces)

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    def _set_norms(self, words: List[str]) -> None:
        # NORM lives on the lexeme, so it is computed once per distinct string per vocab.
        normed = self._normed
        for word in words:
            if word not in normed:
                self.vocab[word].norm_ = simplified_norm(word)
                normed.add(word)

    # serialisation -------------------------------------------------------
    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        return srsly.msgpack_dumps({"pattern": self.pattern})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> "CharTokenizer":
        cfg = srsly.msgpack_loads(data)
        self.pattern = cfg.get("pattern", TOKEN_PATTERN)
        self._regex = re.compile(self.pattern)
        self._normed = set()
        return self

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", {"pattern": self.pattern})

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> "CharTokenizer":
        cfg: Dict[str, Any] = srsly.read_json(ensure_path(path) / "cfg.json")
        return self.from_bytes(srsly.msgpack_dumps(cfg))


@registry.tokenizers("transparency_ner.CharTokenizer.v1")
def create_char_tokenizer(pattern: str = TOKEN_PATTERN) -> Callable[[Language], CharTokenizer]:
    """Registered factory for the config's ``[nlp.tokenizer]`` block."""

    def make(nlp: Language) -> CharTokenizer:
        return CharTokenizer(nlp.vocab, pattern)

    return make


def blank_pipeline() -> Language:
    """An empty Chinese pipeline with this tokenizer: for corpus conversion and rules."""
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "transparency_ner.CharTokenizer.v1"}}})


def token_boundaries(text: str, pattern: str = TOKEN_PATTERN) -> set:
    """Offsets where a token starts or ends: spans must start and end on these."""
    bounds = set()
    for m in re.finditer(pattern, text):
        bounds.add(m.start())
        bounds.add(m.end())
    return bounds
