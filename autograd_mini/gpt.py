"""A GPT made of scalar Values, in the shape of microgpt (Karpathy, February 2026).

A character-level language model of names, trained one name at a time: each character (and a
BOS token that starts and ends a name) is embedded, one or more transformer layers (RMSNorm,
causal multi-head attention with a cache of the keys and values seen so far, a ReLU MLP, each
with a residual connection) turn it into logits over the next token, and the cost of a name is
the mean of −log p(next token) over its positions. Every number is a scalar node, so one
training step on a name of 16 characters or more (a full block) builds a graph of about 138,000 nodes.

The model code is engine-agnostic: it uses only ``+ - * /``, ``** number``, ``log``, ``exp``,
``relu`` and ``sum()`` (starting from 0) of the ``Value`` class it is given, so the same code runs
on ``autograd_mini.Value`` and on microgpt's own kind of engine (``benchmarks/bench_microgpt.py``
times the two). Not from the course notes: the architecture and the training recipe (Adam with
β₁ = 0.85, β₂ = 0.99, a learning rate that decays linearly to 0) are microgpt's, after GPT-2.

>>> from autograd_mini import Value
>>> docs = make_names(20, seed=0)
>>> tokenizer = CharTokenizer(docs)
>>> model = GPT(Value, tokenizer.vocab_size, n_embd=8, n_head=2, block_size=8, seed=0)
>>> trainer = Adam(model.parameters(), num_steps=3)
>>> losses = [trainer.step(model.loss(tokenizer.encode(doc))) for doc in docs[:3]]
>>> all(2.0 < J < 4.0 for J in losses)     # about log(vocab_size) before training
True
"""

from __future__ import annotations

import random

__all__ = ["make_names", "CharTokenizer", "GPT", "part", "Adam"]

_ONSETS = ("b", "br", "c", "ch", "d", "el", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "sh", "t",
           "th", "v", "w", "z", "")
_VOWELS = ("a", "e", "i", "o", "u", "ia", "ie", "ea", "y")
_CODAS = ("", "", "", "n", "l", "r", "s", "th", "x", "m")


def make_names(count: int = 300, seed: int = 0, words: int = 1) -> list[str]:
    """``count`` made-up names, each of ``words`` words of 2–10 lowercase letters (a given name; with
    ``words=3``, given, middle and family name, joined by spaces), from syllables picked by
    ``random.Random(seed)``."""
    rng = random.Random(seed)

    def word() -> str:
        while True:
            syllables = rng.choice((1, 2, 2, 2, 3, 3))
            name = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
            if 2 <= len(name) <= 10:
                return name

    return [" ".join(word() for _ in range(words)) for _ in range(count)]


class CharTokenizer:
    """One token per character seen in ``docs`` (sorted), and one more, BOS, that starts and ends a name."""

    def __init__(self, docs: list[str]):
        self.chars = sorted(set("".join(docs)))
        self.BOS = len(self.chars)
        self.vocab_size = len(self.chars) + 1
        self._ids = {ch: i for i, ch in enumerate(self.chars)}

    def encode(self, doc: str) -> list[int]:
        """BOS, the characters' ids, BOS."""
        unknown = sorted(set(doc) - set(self._ids))
        if unknown:
            raise ValueError(f"characters {unknown} are not in the tokenizer's vocabulary {''.join(self.chars)!r}")
        return [self.BOS] + [self._ids[ch] for ch in doc] + [self.BOS]

    def decode(self, tokens: list[int]) -> str:
        return "".join(self.chars[t] for t in tokens if t != self.BOS)


def linear(x: list, w: list) -> list:
    """W x for W a list of rows: one sum of products per row."""
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits: list) -> list:
    """e^(z_i − max z) / Σ_j e^(z_j − max z); the max (a number) only keeps exp from overflowing."""
    largest = max(z.data for z in logits)
    exps = [(z - largest).exp() for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def rmsnorm(x: list) -> list:
    """x / √(mean(x²) + 1e-5), without a learned gain (as microgpt)."""
    ms = sum(xi * xi for xi in x) / len(x)
    scale = (ms + 1e-5) ** -0.5
    return [xi * scale for xi in x]


class GPT:
    """The model: token and position embeddings, ``n_layer`` transformer layers, a linear head.

    ``GPT(Value, vocab_size, n_layer=1, n_embd=16, n_head=4, block_size=16, seed=42)`` draws every
    weight from N(0, 0.08²) with ``random.Random(seed)``, in microgpt's order (wte, wpe, lm_head, then
    each layer's attention and MLP matrices).

    ``labels=True`` names the parameters and the output nodes of each part of the graph
    ``PART.what[...]``, PART one of ``embed``, ``layer0.attn_norm`` (the RMSNorm before attention),
    ``layer0.head2`` (a head's rows of W_q, W_k, W_v and its output), ``layer0.attn`` (W_o and the
    residual sum), ``layer0.mlp``, ``lm_head``, ``loss``; the cost is ``J``. :func:`part` reads PART
    back, so that a picture can draw one box per part (an unnamed node, such as a product inside a
    sum, belongs with what it feeds).
    """

    def __init__(self, Value, vocab_size: int, n_layer: int = 1, n_embd: int = 16, n_head: int = 4,
                 block_size: int = 16, seed: int = 42, std: float = 0.08, labels: bool = False):
        if n_embd % n_head:
            raise ValueError(f"n_embd ({n_embd}) must be a multiple of n_head ({n_head})")
        self.Value, self.n_layer, self.n_embd, self.n_head = Value, n_layer, n_embd, n_head
        self.block_size, self.head_dim, self.labels = block_size, n_embd // n_head, labels
        rng = random.Random(seed)

        def matrix(n_out, n_in):
            return [[Value(rng.gauss(0, std)) for _ in range(n_in)] for _ in range(n_out)]

        self.state_dict = {"wte": matrix(vocab_size, n_embd), "wpe": matrix(block_size, n_embd),
                           "lm_head": matrix(vocab_size, n_embd)}
        for li in range(n_layer):
            for name in ("attn_wq", "attn_wk", "attn_wv", "attn_wo"):
                self.state_dict[f"layer{li}.{name}"] = matrix(n_embd, n_embd)
            self.state_dict[f"layer{li}.mlp_fc1"] = matrix(4 * n_embd, n_embd)
            self.state_dict[f"layer{li}.mlp_fc2"] = matrix(n_embd, 4 * n_embd)
        if labels:
            for name, mat in self.state_dict.items():
                for i, row in enumerate(mat):
                    for j, p in enumerate(row):
                        p.label = f"{self._part_of_weight(name, i)}[{i}][{j}]"

    def _part_of_weight(self, name: str, row: int) -> str:
        """``layer0.head1.wq`` for row 5 of layer 0's W_q (head_dim 4), ``embed.wte``, ``layer0.mlp.fc1``, …"""
        layer, _, kind = name.rpartition(".")
        if kind in ("attn_wq", "attn_wk", "attn_wv"):
            return f"{layer}.head{row // self.head_dim}.{kind[5:]}"
        if kind in ("wte", "wpe"):
            return f"embed.{kind}"
        return {"lm_head": "lm_head.w"}.get(kind) or f"{layer}.{kind.replace('_', '.')}"

    def parameters(self) -> list:
        return [p for mat in self.state_dict.values() for row in mat for p in row]

    def _name(self, nodes: list, what: str, pos: int) -> list:
        """Label ``nodes`` ``what[pos][i]`` when the model was made with ``labels=True``."""
        if self.labels:
            for i, node in enumerate(nodes):
                node.label = f"{what}[{pos}][{i}]"
        return nodes

    def logits(self, token_id: int, pos_id: int, keys: list, values: list) -> list:
        """The logits of the token after ``token_id`` at position ``pos_id``; appends this position's
        keys and values to ``keys[layer]``, ``values[layer]`` (the positions before it are there already)."""
        sd = self.state_dict
        x = [t + p for t, p in zip(sd["wte"][token_id], sd["wpe"][pos_id])]
        x = self._name(rmsnorm(x), "embed.x", pos_id)
        hd = self.head_dim
        for li in range(self.n_layer):
            x_residual = x
            x = self._name(rmsnorm(x), f"layer{li}.attn_norm.x", pos_id)
            q = linear(x, sd[f"layer{li}.attn_wq"])
            k = linear(x, sd[f"layer{li}.attn_wk"])
            v = linear(x, sd[f"layer{li}.attn_wv"])
            keys[li].append(k)
            values[li].append(v)
            x_attn = []
            for h in range(self.n_head):
                hs = h * hd
                q_h = q[hs:hs + hd]
                k_h = [ki[hs:hs + hd] for ki in keys[li]]
                v_h = [vi[hs:hs + hd] for vi in values[li]]
                attn_logits = [sum(q_h[j] * k_h[t][j] for j in range(hd)) / hd ** 0.5 for t in range(len(k_h))]
                attn_weights = softmax(attn_logits)
                head_out = [sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(hd)]
                x_attn.extend(self._name(head_out, f"layer{li}.head{h}.out", pos_id))
            x = linear(x_attn, sd[f"layer{li}.attn_wo"])
            x = self._name([a + b for a, b in zip(x, x_residual)], f"layer{li}.attn.x", pos_id)
            x_residual = x
            x = self._name(rmsnorm(x), f"layer{li}.mlp.norm", pos_id)
            x = linear(x, sd[f"layer{li}.mlp_fc1"])
            x = self._name([xi.relu() for xi in x], f"layer{li}.mlp.relu", pos_id)
            x = linear(x, sd[f"layer{li}.mlp_fc2"])
            x = self._name([a + b for a, b in zip(x, x_residual)], f"layer{li}.mlp.x", pos_id)
        return self._name(linear(x, sd["lm_head"]), "lm_head.logits", pos_id)

    def loss(self, tokens: list[int]):
        """The mean over positions of −log p(next token): a name's cost J, one node."""
        if len(tokens) < 2:
            raise ValueError(f"a document needs at least one token after BOS to predict; got tokens {tokens}")
        n = min(self.block_size, len(tokens) - 1)
        keys, values = [[] for _ in range(self.n_layer)], [[] for _ in range(self.n_layer)]
        losses = []
        for pos_id in range(n):
            probs = softmax(self.logits(tokens[pos_id], pos_id, keys, values))
            losses.append(self._name([-probs[tokens[pos_id + 1]].log()], "loss.nll", pos_id)[0])
        loss = (1 / n) * sum(losses)
        if self.labels:
            loss.label = "J"
        return loss


def part(node) -> str | None:
    """The part of the GPT that a node made with ``labels=True`` names (``layer0.head2`` for
    ``layer0.head2.out[3][1]``, ``J`` for the cost), or None for an unnamed node."""
    label = node.label
    if not label:
        return None
    return label.rsplit(".", 1)[0] if "." in label else label


class Adam:
    """microgpt's training loop on a list of scalar parameters: Adam (β₁ = 0.85, β₂ = 0.99, ε = 1e-8,
    bias-corrected) with a learning rate that falls linearly from ``learning_rate`` to 0 over ``num_steps``.

    ``step(loss)`` runs ``loss.backward()``, updates every parameter, sets each ``p.grad = 0`` and
    returns the loss's value.
    """

    def __init__(self, params: list, num_steps: int, learning_rate: float = 0.01, beta1: float = 0.85,
                 beta2: float = 0.99, eps: float = 1e-8):
        self.params, self.num_steps = params, num_steps
        self.learning_rate, self.beta1, self.beta2, self.eps = learning_rate, beta1, beta2, eps
        self.m = [0.0] * len(params)  # first moment of each gradient
        self.v = [0.0] * len(params)  # second moment
        self.t = 0

    def step(self, loss) -> float:
        if self.t >= self.num_steps:
            raise RuntimeError(f"this Adam loop was made for num_steps={self.num_steps}; one more step would "
                               "take the learning rate below 0")
        loss.backward()
        b1, b2 = self.beta1, self.beta2
        lr_t = self.learning_rate * (1 - self.t / self.num_steps)
        self.t += 1
        m, v = self.m, self.v
        for i, p in enumerate(self.params):
            m[i] = b1 * m[i] + (1 - b1) * p.grad
            v[i] = b2 * v[i] + (1 - b2) * p.grad ** 2
            m_hat = m[i] / (1 - b1 ** self.t)
            v_hat = v[i] / (1 - b2 ** self.t)
            p.data -= lr_t * m_hat / (v_hat ** 0.5 + self.eps)
            p.grad = 0
        return loss.data
