"""What python/gatescope_export.py refuses, and what it writes for bias=False and dropout.

    /usr/bin/python3 tests/python/export_refusals.py

Prints one JSON object: each case's ValueError message (or "accepted"), plus the warnings seen.
"""

import json
import os
import sys
import warnings

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from gatescope_export import to_gatescope  # noqa: E402

torch.manual_seed(0)
V, D, H = 5, 3, 4
vocab = ["<unk>", "a", "b", "c", "d"]
emb = nn.Embedding(V, D)


def attempt(**kw):
    args = {"embedding": emb, "rnn": nn.LSTM(D, H), "head": nn.Linear(H, 2), "vocab": vocab}
    args.update(kw)
    try:
        to_gatescope(**args)
        return "accepted"
    except ValueError as e:
        return str(e)


out = {
    "bidirectional": attempt(rnn=nn.LSTM(D, H, bidirectional=True)),
    "proj_size": attempt(rnn=nn.LSTM(D, H, proj_size=2)),
    "relu": attempt(rnn=nn.RNN(D, H, nonlinearity="relu")),
    "head_in_features": attempt(head=nn.Linear(H + 1, 2)),
    "vocab_length": attempt(vocab=vocab[:-1]),
    "five_layers": attempt(rnn=nn.GRU(D, H, num_layers=5)),
    "next_token_K": attempt(predicts="next-token", head=nn.Linear(H, 3)),
    "predicts": attempt(predicts="sequence"),
    "unk_missing": attempt(unk="<oov>"),
    "batch_first": attempt(rnn=nn.GRU(D, H, batch_first=True)),
}
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    d = to_gatescope(emb, nn.LSTM(D, H, num_layers=2, dropout=0.3, bias=False), nn.Linear(H, 2), vocab)
out["dropout_warnings"] = [str(w.message) for w in seen]
out["no_bias_written_as_zeros"] = all(v == 0.0 for k, b in d["weights"].items() if k.startswith("bias") for v in b)
out["no_bias_keys"] = sorted(d["weights"].keys())
print(json.dumps(out))
