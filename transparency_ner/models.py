"""Model architectures this project adds to spaCy's registry.

``TextCatNormBOW.v1``: spaCy's bag-of-words text classifier hashes ORTH n-grams, so 東湖區
and 东湖区 would be different features. This one hashes NORM n-grams (Simplified,
width-folded), keeping the Traditional-blindness of the rest of the pipeline; in
``TextCatEnsemble.v2`` it is the cheap, strong half beside the tok2vec half.

``TextCatNormBOW.v2``: the same bag, plus the n-grams of the heading of the section the unit
stands in (``context.py``), for the units that say nothing on their own.

``RulesEmbed.v1``: character embeddings learn names only from the few hundred the corpus
holds, so an office it never wrote (行政办公室, 为民服务中心 without an owner) reads like any
other run of characters. The rules of ``baseline.py`` know the scheme's lexicons (channel
words, agency suffixes and short forms, count and date patterns); this embedding adds the
tag a rule gives each character (B-AGENCY, I-CHANNEL, O, …) as one more hashed feature
beside NORM and SHAPE, and the network learns from the gold when to trust it. The tags
are found on the Simplified text, so Traditional reads the same. The rules are read from
the installed package, not stored with the pipeline: a change to the lexicons of
``baseline.py`` changes what a trained pipeline sees, so retrain after one.
"""
from __future__ import annotations

from functools import lru_cache, partial
from typing import Callable, List, Optional, Sequence, Tuple, Union

import numpy
from spacy.attrs import IDX, NORM
from spacy.ml.featureextractor import FeatureExtractor
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.ml._precomputable_affine import PrecomputableAffine  # noqa: F401  (keeps spaCy's ml registry loaded)
from spacy.strings import hash_string
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import (HashEmbed, Logistic, Maxout, Model, SparseLinear_v2, chain, concatenate, list2ragged,
                       ragged2list, resizable, softmax_activation, with_array, with_cpu)
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats2d, Ints2d

from .baseline import default_find
from .context import SECTION

NEG_VALUE = -5000


@registry.architectures("transparency_ner.TextCatNormBOW.v1")
def build_norm_bow(
    exclusive_classes: bool,
    ngram_size: int,
    no_output_layer: bool,
    length: int = 262144,
    nO: Optional[int] = None,
    extract: Optional[Model] = None,
) -> Model[List[Doc], Floats2d]:
    """Bag of NORM n-grams (1..ngram_size) into a sparse linear layer."""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    fill_defaults = {"b": 0, "W": 0}
    output_layer = None
    if not no_output_layer:
        fill_defaults["b"] = NEG_VALUE
        output_layer = softmax_activation() if exclusive_classes else Logistic()
    resizable_layer = resizable(sparse_linear, resize_layer=partial(resize_linear_weighted, fill_defaults=fill_defaults))
    model = chain(extract or extract_ngrams(ngram_size, attr=NORM), resizable_layer)
    model = with_cpu(model, model.ops)
    if output_layer:
        model = chain(model, with_cpu(output_layer, output_layer.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model


@lru_cache(maxsize=4096)
def _section_keys(section: str, ngram_size: int) -> numpy.ndarray:
    grams = {section[i:i + n] for n in range(1, ngram_size + 1) for i in range(len(section) - n + 1)}
    # salted, so the heading's 问题 and the unit's own 问题 are two features
    return numpy.asarray(sorted(hash_string("§" + g) for g in grams if g.strip()), dtype="uint64")


def _ngrams_forward(model: Model, docs: List[Doc], is_train: bool):
    ops = model.ops
    batch_keys, batch_vals = [], []
    for doc in docs:
        unigrams = ops.asarray(doc.to_array([NORM]))
        grams = [unigrams] + [ops.ngrams(n, unigrams) for n in range(2, model.attrs["ngram_size"] + 1)]
        keys, vals = ops.xp.unique(ops.xp.concatenate(grams), return_counts=True)
        section = doc.user_data.get(SECTION, "") if model.attrs["section_ngram_size"] else ""
        if section:
            extra = ops.asarray(_section_keys(section, model.attrs["section_ngram_size"]))
            keys = ops.xp.concatenate([keys, extra])
            vals = ops.xp.concatenate([vals, ops.xp.ones(len(extra), dtype=vals.dtype)])
        batch_keys.append(keys)
        batch_vals.append(vals)
    lengths = ops.asarray([len(k) for k in batch_keys], dtype="int32")
    keys = ops.xp.concatenate(batch_keys)
    vals = ops.asarray(ops.xp.concatenate(batch_vals), dtype="f")
    return (keys, vals, lengths), lambda d: []


def NormAndSectionNgrams(ngram_size: int, section_ngram_size: int) -> Model:
    """Docs -> (keys, counts, lengths) of their NORM n-grams, as spaCy's
    ``extract_ngrams``, plus the n-grams of the section heading (``context.py``)."""
    return Model("norm_section_ngrams", _ngrams_forward,
                 attrs={"ngram_size": ngram_size, "section_ngram_size": section_ngram_size})


@registry.architectures("transparency_ner.TextCatNormBOW.v2")
def build_norm_section_bow(
    exclusive_classes: bool,
    ngram_size: int,
    no_output_layer: bool,
    section_ngram_size: int = 2,
    length: int = 262144,
    nO: Optional[int] = None,
) -> Model[List[Doc], Floats2d]:
    """``TextCatNormBOW.v1`` that also reads the heading of the unit's section: units that
    say nothing on their own take the section's topic (the scheme's rule)."""
    return build_norm_bow(exclusive_classes, ngram_size, no_output_layer, length, nO,
                          extract=NormAndSectionNgrams(ngram_size, section_ngram_size))


@lru_cache(maxsize=None)
def _tag_id(tag: str) -> int:
    return hash_string(tag)


def rule_tags(text: str) -> List[str]:
    """The rules' label for each character of ``text``: B-/I-<label> or O. Overlapping
    matches are resolved longest first, as ``filter_spans`` does."""
    tags = ["O"] * len(text)
    for start, end, label in sorted(default_find(text), key=lambda s: (s[0] - s[1], s[0])):
        if all(t == "O" for t in tags[start:end]):
            tags[start:end] = ["B-" + label] + ["I-" + label] * (end - start - 1)
    return tags


@lru_cache(maxsize=50_000)
def _hashed_rule_tags(text: str) -> numpy.ndarray:
    # cached per text: training reads every unit many times, tagging meets repeats often
    return numpy.asarray([_tag_id(t) for t in rule_tags(text)], dtype="uint64").reshape(-1, 1)


def _rule_tags_forward(model: Model, docs: List[Doc], is_train: bool) -> Tuple[List[Ints2d], Callable]:
    output = []
    for doc in docs:
        starts = doc.to_array([IDX]).astype("int64").reshape(-1)
        output.append(model.ops.asarray2i(_hashed_rule_tags(doc.text)[starts], dtype="uint64"))
    return output, lambda d_features: []


def RuleTags() -> Model[List[Doc], List[Ints2d]]:
    """Docs -> per token, the hashed rule tag of its first character (one column)."""
    return Model("rule_tags", _rule_tags_forward)


@registry.architectures("transparency_ner.RulesEmbed.v1")
def build_rules_embed(
    width: int, attrs: Sequence[Union[str, int]], rows: List[int], rule_rows: int = 50
) -> Model[List[Doc], List[Floats2d]]:
    """``spacy.MultiHashEmbed.v2`` over ``attrs`` (no static vectors) plus the rule tag of
    each token, in a table of ``rule_rows`` rows."""
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} rows for {len(attrs)} attrs")
    sizes = list(rows) + [rule_rows]
    embeddings = [HashEmbed(width, n, column=i, seed=8 + i, dropout=0.0) for i, n in enumerate(sizes)]
    return chain(
        concatenate(FeatureExtractor(list(attrs)), RuleTags()),
        list2ragged(),
        with_array(concatenate(*embeddings)),
        with_array(Maxout(width, width * len(embeddings), nP=3, dropout=0.0, normalize=True)),
        ragged2list(),
    )
