"""Export a trained PyTorch recurrent model to a gatescope model file (``gatescope/model@2``).

Copy this one file beside your notebook; it needs only the standard library and torch (1.13 on)::

    from gatescope_export import to_gatescope, save
    d = to_gatescope(embedding, rnn, head, vocab)      # nn.Embedding, nn.RNN/LSTM/GRU, nn.Linear, list of str
    save(d, "model.json")                              # then load model.json in gatescope

For a language model (the head applied at every step, predicting the next token) pass
``predicts="next-token"``; the head's out_features must then equal the vocabulary's length.

The file keeps the module's ``state_dict`` names and PyTorch's orientation and gate order
(LSTM i, f, g, o; GRU r, z, n), one ``_l{k}`` group per stacked layer, in float64 so every digit of
the float32 weights survives. What gatescope cannot show is refused with a ValueError that names the
problem: a bidirectional layer, ``proj_size`` > 0, ``nonlinearity="relu"``, a head whose in_features
is not the hidden size, a vocabulary whose length is not the embedding's row count.
``bias=False`` is written as zero biases; dropout between layers only acts in training, so it is
ignored with a warning. ``batch_first`` does not matter.
"""

import json
import math
import warnings

import torch
from torch import nn

FORMAT = "gatescope/model@2"
_CELLS = {nn.LSTM: ("lstm", 4), nn.GRU: ("gru", 3), nn.RNN: ("rnn", 1)}
MAX_LAYERS = 4


def _matrix(t):
    """A tensor as nested lists of Python floats (float64: float32 values stay exact)."""
    return t.detach().to(torch.float64).cpu().tolist()


def _cell_of(rnn):
    for cls, (name, blocks) in _CELLS.items():
        if type(rnn) is cls:
            return name, blocks
    raise ValueError(f"rnn: expected an nn.RNN, nn.LSTM or nn.GRU module, found {type(rnn).__name__}")


def _check_tokenizer(tokenizer, lowercase, unk, vocab, rows):
    if tokenizer not in ("word", "char"):
        raise ValueError(f'tokenizer: expected "word" or "char", found {tokenizer!r}')
    if not isinstance(lowercase, bool):
        raise ValueError(f"lowercase: expected True or False, found {lowercase!r}")
    vocab = list(vocab)
    if not all(isinstance(v, str) for v in vocab):
        raise ValueError("vocab: every entry must be a string")
    if len(vocab) != rows:
        raise ValueError(f"vocab: has {len(vocab)} entries but the embedding has {rows} rows (one per token id)")
    if len(set(vocab)) != len(vocab):
        seen, dup = set(), None
        for v in vocab:
            if v in seen:
                dup = v
                break
            seen.add(v)
        raise ValueError(f"vocab: the entry {dup!r} appears more than once")
    if unk not in vocab:
        raise ValueError(f"unk: the unknown-word token {unk!r} is not in vocab")
    return vocab


def to_gatescope(embedding, rnn, head, vocab, tokenizer="word", lowercase=True, unk="<unk>",
                 labels=None, predicts="label", name=None, example=None):
    """The gatescope model file of ``embedding -> rnn -> head`` as a dict (see ``save``).

    embedding: nn.Embedding (V x D); rnn: nn.RNN / nn.LSTM / nn.GRU with 1 to 4 layers;
    head: nn.Linear (H -> K); vocab: the V tokens, vocab[i] the token of embedding row i.
    predicts: "label" (a classifier on the top layer's last hidden state; labels default to
    "0".."K-1") or "next-token" (a language model: the head at every step, K must equal V).
    example: an optional sentence gatescope shows first with this model.
    """
    if not isinstance(embedding, nn.Embedding):
        raise ValueError(f"embedding: expected an nn.Embedding, found {type(embedding).__name__}")
    if not isinstance(head, nn.Linear):
        raise ValueError(f"head: expected an nn.Linear, found {type(head).__name__}")
    cell, blocks = _cell_of(rnn)
    if rnn.bidirectional:
        raise ValueError("rnn: bidirectional layers are not supported (gatescope reads left to right)")
    if getattr(rnn, "proj_size", 0) > 0:
        raise ValueError(f"rnn: proj_size={rnn.proj_size} is not supported (an LSTM with projections)")
    if cell == "rnn" and rnn.nonlinearity != "tanh":
        raise ValueError(f'rnn: nonlinearity="{rnn.nonlinearity}" is not supported (only "tanh")')
    layers = rnn.num_layers
    if not 1 <= layers <= MAX_LAYERS:
        raise ValueError(f"rnn: num_layers={layers} is outside 1..{MAX_LAYERS}")
    if rnn.dropout:
        warnings.warn(f"rnn: dropout={rnn.dropout} between layers is ignored (it only acts in training)")
    V, D = embedding.weight.shape
    H = rnn.hidden_size
    if rnn.input_size != D:
        raise ValueError(f"rnn: input_size={rnn.input_size} but the embedding has {D} columns")
    if head.in_features != H:
        raise ValueError(f"head: in_features={head.in_features} but the rnn's hidden_size is {H}")
    if predicts not in ("label", "next-token"):
        raise ValueError(f'predicts: expected "label" or "next-token", found {predicts!r}')
    K = head.out_features
    vocab = _check_tokenizer(tokenizer, lowercase, unk, vocab, V)
    if predicts == "next-token" and K != V:
        raise ValueError(f"head: a next-token head needs out_features = vocabulary size {V}, found {K}")

    weights = {}
    for k in range(layers):
        for part in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            t = getattr(rnn, f"{part}_l{k}", None)
            if t is None:  # bias=False
                t = torch.zeros(blocks * H, dtype=torch.float64)
            weights[f"{part}_l{k}"] = _matrix(t)
    head_bias = head.bias if head.bias is not None else torch.zeros(K)
    out = {
        "format": FORMAT,
        "cell": cell,
        "layout": "pytorch",
        "numLayers": layers,
        "inputSize": D,
        "hiddenSize": H,
        "weights": weights,
        "tokenizer": {"kind": tokenizer, "lowercase": lowercase, "unk": unk, "vocab": vocab},
        "embedding": _matrix(embedding.weight),
        "head": {"weight": _matrix(head.weight), "bias": _matrix(head_bias), "predicts": predicts},
    }
    if predicts == "label":
        labels = [str(i) for i in range(K)] if labels is None else [str(x) for x in labels]
        if len(labels) != K:
            raise ValueError(f"labels: has {len(labels)} entries but the head has {K} outputs")
        out["head"]["labels"] = labels
    elif labels is not None:
        raise ValueError("labels: a next-token model's outputs are its vocabulary; leave labels out")
    if name is not None:
        out["name"] = str(name)
    if example is not None:
        out["example"] = str(example)
    for path, values in _numbers(out):
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"{path}: holds a NaN or an infinity")
    return out


def _numbers(d):
    """(field path, flat list of floats) for every weight array of a file dict."""
    def flat(x):
        return [v for row in x for v in (row if isinstance(row, list) else [row])]
    for k, v in d["weights"].items():
        yield f"weights.{k}", flat(v)
    yield "embedding", flat(d["embedding"])
    yield "head.weight", flat(d["head"]["weight"])
    yield "head.bias", flat(d["head"]["bias"])


def save(d, path):
    """Writes the dict from ``to_gatescope`` as JSON (repr floats: float64 round-trips exactly)."""
    with open(path, "w", encoding="utf-8") as f:
        json.dump(d, f, ensure_ascii=False, allow_nan=False)
