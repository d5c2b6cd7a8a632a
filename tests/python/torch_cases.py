"""Real-PyTorch oracle cases for gatescope's engine (run with /usr/bin/python3, Debian's python3-torch).

    /usr/bin/python3 tests/python/torch_cases.py OUT_DIR

For every case it builds seeded nn.Embedding + nn.RNN/LSTM/GRU (1-3 layers) + nn.Linear modules in
float64, writes the model file with python/gatescope_export.py (OUT_DIR/<case>.model.json) and what
torch autograd computes for one token sequence (OUT_DIR/<case>.expected.json):

- per step and layer: h_t and (LSTM) c_t, from the real multi-layer module (h_n/c_n of prefixes);
- the head's logits at every step (next-token) or on the top layer's last h (label);
- the loss as gatescope defines it (label: cross-entropy against the target; next-token: the mean
  over t = 0..T-2 of -log softmax(W h_t + b)[ids[t+1]], or one step's term with loss_step);
- the gradient of every parameter, keyed by the file's own names;
- the total dL/dh_t and dL/dc_t of every layer and step. torch's fused module hides its per-step
  states, so these come from the same weights run step by step through nn.LSTMCell / GRUCell /
  RNNCell, whose outputs are first checked against the fused module (1e-12).

Prints one line per case. Exits non-zero if torch is missing.
"""

import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from gatescope_export import save, to_gatescope  # noqa: E402

torch.set_default_dtype(torch.float64)

MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
CELLS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}

# (name, cell, layers, predicts, V, D, H, K, T, loss_step, batch_first, bias)
CASES = [
    ("rnn-1-label", "rnn", 1, "label", 11, 5, 7, 3, 9, None, False, True),
    ("lstm-1-label", "lstm", 1, "label", 11, 5, 7, 3, 9, None, True, True),
    ("gru-1-label", "gru", 1, "label", 11, 5, 7, 3, 9, None, False, True),
    ("rnn-2-label", "rnn", 2, "label", 13, 6, 9, 4, 12, None, True, True),
    ("lstm-2-label", "lstm", 2, "label", 13, 6, 9, 4, 12, None, False, True),
    ("gru-3-label", "gru", 3, "label", 13, 6, 9, 4, 12, None, False, True),
    ("lstm-3-nobias", "lstm", 3, "label", 10, 4, 6, 2, 8, None, False, False),
    ("rnn-1-next", "rnn", 1, "next-token", 12, 5, 8, 12, 10, None, False, True),
    ("lstm-2-next", "lstm", 2, "next-token", 12, 5, 8, 12, 14, None, True, True),
    ("gru-2-next", "gru", 2, "next-token", 12, 5, 8, 12, 14, None, False, True),
    ("lstm-3-next", "lstm", 3, "next-token", 9, 4, 6, 9, 11, None, False, True),
    ("lstm-2-next-step", "lstm", 2, "next-token", 12, 5, 8, 12, 14, 4, False, True),
]


def build(seed, cell, layers, V, D, H, K, batch_first, bias):
    torch.manual_seed(seed)
    emb = nn.Embedding(V, D)
    rnn = MODULES[cell](D, H, num_layers=layers, batch_first=batch_first, bias=bias)
    # Bigger recurrent weights than the default init, so the gradients do not all vanish at once.
    with torch.no_grad():
        for k in range(layers):
            getattr(rnn, f"weight_hh_l{k}").mul_(2.0)
    head = nn.Linear(H, K)
    return emb, rnn, head


def stepwise(cell, rnn, x):
    """Every layer's h_t (and c_t) as tensors that keep their gradients, from per-step cells."""
    layers, H = rnn.num_layers, rnn.hidden_size
    T = x.shape[0]
    hs = [[None] * T for _ in range(layers)]
    cs = [[None] * T for _ in range(layers)]
    below = [x[t:t + 1] for t in range(T)]
    for k in range(layers):
        unit = CELLS[cell](below[0].shape[1], H, bias=rnn.bias)
        with torch.no_grad():
            unit.weight_ih.copy_(getattr(rnn, f"weight_ih_l{k}"))
            unit.weight_hh.copy_(getattr(rnn, f"weight_hh_l{k}"))
            if rnn.bias:
                unit.bias_ih.copy_(getattr(rnn, f"bias_ih_l{k}"))
                unit.bias_hh.copy_(getattr(rnn, f"bias_hh_l{k}"))
        h = torch.zeros(1, H)
        c = torch.zeros(1, H)
        for t in range(T):
            if cell == "lstm":
                h, c = unit(below[t], (h, c))
                c.retain_grad()
                cs[k][t] = c
            else:
                h = unit(below[t], h)
            h.retain_grad()
            hs[k][t] = h
        below = hs[k]
    return hs, cs


def loss_of(predicts, head, top, ids, target, loss_step):
    """gatescope's loss from the top layer's states (a list of T tensors 1 x H)."""
    if predicts == "label":
        logits = head(top[-1])
        return nn.functional.cross_entropy(logits, torch.tensor([target])), logits
    T = len(ids)
    logits = torch.cat([head(h) for h in top], 0)
    steps = range(T - 1) if loss_step is None else [loss_step]
    terms = [nn.functional.cross_entropy(logits[t:t + 1], torch.tensor([ids[t + 1]])) for t in steps]
    return torch.stack(terms).mean(), logits


def case(out_dir, seed, spec):
    name, cell, layers, predicts, V, D, H, K, T, loss_step, batch_first, bias = spec
    emb, rnn, head = build(seed, cell, layers, V, D, H, K, batch_first, bias)
    vocab = ["<unk>"] + [chr(ord("a") + i) for i in range(V - 1)]
    g = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(1, V, (T,), generator=g).tolist()
    text = "".join(vocab[i] for i in ids)
    target = (seed % K) if predicts == "label" else None

    # The fused module: states of every prefix (h_n, c_n hold each layer's last state).
    x = emb(torch.tensor(ids))
    seq = x.unsqueeze(0) if batch_first else x.unsqueeze(1)
    out, state = rnn(seq)
    fused_top = out[0] if batch_first else out[:, 0]
    loss_fused, _ = loss_of(predicts, head, [fused_top[t:t + 1] for t in range(T)], ids, target, loss_step)
    emb.zero_grad(), rnn.zero_grad(), head.zero_grad()
    loss_fused.backward()
    grads = {f"weights.{k}": v.grad for k, v in rnn.named_parameters()}
    grads["embedding"] = emb.weight.grad
    grads["head.weight"] = head.weight.grad
    grads["head.bias"] = head.bias.grad
    grads = {k: v.tolist() for k, v in grads.items()}
    prefix_states = []
    with torch.no_grad():
        for t in range(T):
            s = seq[:, : t + 1] if batch_first else seq[: t + 1]
            _, st = rnn(s)
            prefix_states.append(st)

    # The per-step graph, checked against the fused module, gives the total state gradients.
    x2 = emb(torch.tensor(ids)).detach()
    hs, cs = stepwise(cell, rnn, x2)
    for t in range(T):
        hn = prefix_states[t][0] if cell == "lstm" else prefix_states[t]
        for k in range(layers):
            d = (hs[k][t][0] - hn[k, 0]).abs().max().item()
            assert d < 1e-12, f"{name}: step cell differs from the fused module at layer {k} step {t} by {d}"
    loss_step_graph, logits = loss_of(predicts, head, hs[-1], ids, target, loss_step)
    assert abs(loss_step_graph.item() - loss_fused.item()) < 1e-12
    loss_step_graph.backward()

    def norms(ts):
        return [float(t.grad.norm()) if t.grad is not None else 0.0 for t in ts]

    expected = {
        "text": text,
        "ids": ids,
        "target": target,
        "lossStep": loss_step,
        "loss": loss_fused.item(),
        "layers": [
            {
                "h": [hs[k][t][0].tolist() for t in range(T)],
                "c": [cs[k][t][0].tolist() for t in range(T)] if cell == "lstm" else None,
                "dh": [hs[k][t].grad[0].tolist() if hs[k][t].grad is not None else [0.0] * H for t in range(T)],
                "dhNorm": norms(hs[k]),
                "dcNorm": norms(cs[k]) if cell == "lstm" else None,
            }
            for k in range(layers)
        ],
        "logits": logits.tolist(),
        "grads": grads,
    }
    d = to_gatescope(emb, rnn, head, vocab, tokenizer="char", lowercase=False, unk="<unk>",
                     predicts=predicts, name=name)
    save(d, os.path.join(out_dir, f"{name}.model.json"))
    with open(os.path.join(out_dir, f"{name}.expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f)
    print(f"{name}: T={T} layers={layers} loss={loss_fused.item():.6f}")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: torch_cases.py OUT_DIR")
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    for i, spec in enumerate(CASES):
        case(out_dir, 100 + i, spec)


if __name__ == "__main__":
    main()
