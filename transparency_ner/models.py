"""Model architectures this project adds to spaCy's registry.

spaCy's bag-of-words text classifier hashes ORTH n-grams, so 東湖區 and 东湖区 would be
different features. This one hashes NORM n-grams (Simplified, width-folded), keeping
the Traditional-blindness of the rest of the pipeline; in ``TextCatEnsemble.v2`` it is
the cheap, strong half beside the tok2vec half.
"""
from __future__ import annotations

from functools import partial
from typing import List, Optional

from spacy.attrs import NORM
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.ml._precomputable_affine import PrecomputableAffine  # noqa: F401  (keeps spaCy's ml registry loaded)
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Logistic, Model, SparseLinear_v2, chain, resizable, softmax_activation, with_cpu
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats2d

NEG_VALUE = -5000


@registry.architectures("transparency_ner.TextCatNormBOW.v1")
def build_norm_bow(
    exclusive_classes: bool,
    ngram_size: int,
    no_output_layer: bool,
    length: int = 262144,
    nO: Optional[int] = None,
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
    model = chain(extract_ngrams(ngram_size, attr=NORM), resizable_layer)
    model = with_cpu(model, model.ops)
    if output_layer:
        model = chain(model, with_cpu(output_layer, output_layer.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = not exclusive_classes
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=resizable_layer)
    return model
