"""A GPT made of scalar Values: microgpt's model trained on autograd_mini.Value, and a picture of one step.

Not in the notes: the model is microgpt's (Karpathy, February 2026), a GPT-2-like transformer written
with nothing but scalar nodes (1 layer, 16-wide embeddings, 4 attention heads, a block of 16
characters, RMSNorm, a ReLU MLP). Each training step builds the graph of one name, from the embeddings
to its cost J = mean of −log p(next character), runs backward() through it and updates every
parameter with Adam. The example trains three passes over ten generated names, printing J at each
step, then draws the graph of one step collapsed to one box per part of the model (embedding, the
norm before attention, each head, attention's output, the MLP, the head that gives the logits, the
loss): what a GPT's backward pass is made of.
"""

from _common import heading, out_dir

import viz
from autograd_mini import Value, topo_order
from autograd_mini.gpt import GPT, Adam, CharTokenizer, make_names, part

out = out_dir(__doc__)
docs = make_names(10, seed=1)
tokenizer = CharTokenizer(docs)
model = GPT(Value, tokenizer.vocab_size, labels=True)  # labels: each node says which part of the model it is in
passes = 3
trainer = Adam(model.parameters(), num_steps=passes * len(docs))

heading(f"microgpt's GPT on autograd_mini.Value: {len(model.parameters()):,} parameters, "
        f"a vocabulary of {tokenizer.vocab_size} tokens ({''.join(tokenizer.chars)!r} and BOS)")
means = []
for p in range(passes):
    costs = []
    for doc in docs:
        J = model.loss(tokenizer.encode(doc))
        nodes = len(topo_order([J]))
        costs.append(trainer.step(J))  # J.backward(), Adam's update, p.grad = 0
        print(f"pass {p + 1}, {doc:<10}  {nodes:>6,} nodes  J = {costs[-1]:.4f}")
    means.append(sum(costs) / len(costs))
print("mean J per pass: " + ", ".join(f"{m:.4f}" for m in means))

heading("one step's graph, one box per part: the name's forward pass, then backward() through it")
doc = docs[0]
J = model.loss(tokenizer.encode(doc))
J.backward()
graph = viz.draw_graph(J, cluster=part, rankdir="TB")  # top to bottom: the four heads side by side
viz.render(graph, out / "gpt_step.png")
print(f"{doc!r}: {len(topo_order([J])):,} nodes in {len({part(n) for n in topo_order([J])} - {None})} named parts")
print(f"\nwrote gpt_step.png into {out}/")
