"""microgpt's GPT on autograd_mini.Value against the reference engine written the way microgpt writes
its own (benchmarks/microgpt_reference.py): the same model code gives the same floats on both, op by
op and over training steps; a step takes less memory on autograd_mini."""

import gc
import math
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from autograd_mini import Value, topo_order
from autograd_mini.gpt import GPT, Adam, CharTokenizer, make_names, part

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import microgpt_reference as reference  # noqa: E402

ENGINES = (Value, reference.Value)
positive = st.floats(min_value=1e-3, max_value=1e3)
nonzero = st.one_of(st.floats(min_value=-1e3, max_value=-1e-3), positive)

# every op microgpt's model code uses, as it uses them (numbers on either side, sum() from 0)
OPS = {
    "a + b": lambda a, b: a + b,
    "a + 1e-5": lambda a, b: a + 1e-5,
    "sum from 0": lambda a, b: sum([a, b, a * b]),
    "a * b": lambda a, b: a * b,
    "(1 / n) * a": lambda a, b: (1 / 7) * a,
    "a - b": lambda a, b: a - b,
    "a - 0.3": lambda a, b: a - 0.3,
    "-a": lambda a, b: -a,
    "a / b": lambda a, b: a / b,
    "a / 16": lambda a, b: a / 16,
    "a / 3 ** 0.5": lambda a, b: a / 3 ** 0.5,
    "a ** -0.5": lambda a, b: (a * a + 1e-5) ** -0.5,
    "a ** 2": lambda a, b: a ** 2,
    "log": lambda a, b: (a * a).log(),
    "exp": lambda a, b: (a / 1e3).exp(),
    "relu": lambda a, b: a.relu(),
}


def forward_and_grads(Engine, op, a, b, g):
    """op on two Values of ``Engine``, times g (so that the op's rule sees a gradient other than 1),
    back-propagated: the op's value and the gradients of a and b."""
    x, y = Engine(a), Engine(b)
    out = op(x, y)
    (out * g).backward()
    return out.data, x.grad, y.grad


@pytest.mark.parametrize("name", OPS)
@given(a=nonzero, b=nonzero, g=nonzero)
def test_every_op_microgpt_uses_gives_the_reference_engines_value_and_gradients(name, a, b, g):
    ours, theirs = (forward_and_grads(Engine, OPS[name], a, b, g) for Engine in ENGINES)
    assert [float(x).hex() for x in ours] == [float(x).hex() for x in theirs]


def test_relu_at_exactly_0_follows_the_notes_not_microgpt():
    # the notes: g'(z) = 1 where z ≥ 0; microgpt's relu passes 0 back at z = 0
    assert forward_and_grads(Value, OPS["relu"], 0.0, 1.0, 1.0) == (0.0, 1.0, 0.0)
    assert forward_and_grads(reference.Value, OPS["relu"], 0.0, 1.0, 1.0) == (0.0, 0.0, 0)


def train(Engine, docs, steps):
    tokenizer = CharTokenizer(docs)
    model = GPT(Engine, tokenizer.vocab_size)
    trainer = Adam(model.parameters(), num_steps=100)
    return [trainer.step(model.loss(tokenizer.encode(docs[i % len(docs)]))) for i in range(steps)], model


def test_microgpt_trains_on_autograd_mini_with_the_reference_engines_losses():
    docs = make_names(20, seed=3)
    (ours, model), (theirs, _) = (train(Engine, docs, 5) for Engine in ENGINES)
    assert [x.hex() for x in ours] == [x.hex() for x in theirs]
    assert all(2.0 < J < 4.0 for J in ours)  # about log(vocab_size) before any training
    assert all(p.grad == 0 for p in model.parameters())  # Adam's loop sets p.grad = 0 after each update


def test_training_on_one_name_lowers_its_cost_on_both_engines():
    for Engine in ENGINES:
        losses, _ = train(Engine, ["emma"], 8)
        assert losses[-1] < losses[0] - 0.5


def step_peak_memory(Engine) -> int:
    docs = make_names(20, seed=3)
    tokenizer = CharTokenizer(docs)
    model = GPT(Engine, tokenizer.vocab_size)
    trainer = Adam(model.parameters(), num_steps=100)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    trainer.step(model.loss(tokenizer.encode(docs[0])))
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    return peak


def test_a_training_step_takes_less_memory_than_on_the_reference_engine():
    ours, theirs = step_peak_memory(Value), step_peak_memory(reference.Value)
    assert ours < 0.8 * theirs, (ours, theirs)


def test_labels_name_each_layer_and_head_for_a_picture():
    docs = make_names(5, seed=0)
    tokenizer = CharTokenizer(docs)
    model = GPT(Value, tokenizer.vocab_size, n_embd=8, n_head=2, labels=True)
    J = model.loss(tokenizer.encode(docs[0]))
    parts = {part(node) for node in topo_order([J])}
    assert parts == {None, "embed", "layer0.attn_norm", "layer0.head0", "layer0.head1", "layer0.attn", "layer0.mlp",
                     "lm_head", "loss", "J"}
    # a head's own rows of W_q, W_k, W_v carry its name: rows 4..7 are head 1's with head_dim 4
    assert model.state_dict["layer0.attn_wq"][5][0].label == "layer0.head1.wq[5][0]"
    assert math.isclose(J.data, math.log(tokenizer.vocab_size), rel_tol=0.2)


def test_bad_input_says_what_is_wrong():
    tokenizer = CharTokenizer(["ab"])
    model = GPT(Value, tokenizer.vocab_size, n_embd=4, n_head=2)
    with pytest.raises(ValueError, match=r"characters \['z'\] are not in the tokenizer's vocabulary 'ab'"):
        tokenizer.encode("az")
    with pytest.raises(ValueError, match="at least one token after BOS"):
        model.loss(tokenizer.encode("")[:1])
    with pytest.raises(ValueError, match=r"n_embd \(6\) must be a multiple of n_head \(4\)"):
        GPT(Value, 3, n_embd=6, n_head=4)
    trainer = Adam(model.parameters(), num_steps=1)
    trainer.step(model.loss(tokenizer.encode("ab")))
    with pytest.raises(RuntimeError, match="num_steps=1"):
        trainer.step(model.loss(tokenizer.encode("ab")))
