"""microgpt's workload: a scalar-Value GPT trained one document at a time, on two engines, each in its own process.

The model, data and training loop are ``autograd_mini.gpt`` (microgpt's: 1 layer, n_embd 16,
4 heads, block size 16, RMSNorm, ReLU MLP, Adam; names generated here, no download). The same
model code runs on two engines:

* the reference, ``benchmarks/microgpt_reference.py``: a ``Value`` written the way microgpt
  writes its own (four slots, local derivatives computed in the forward pass, a recursive
  topological sort);
* ``autograd_mini.Value``.

Two workloads. ``block`` (the one with the targets): documents are generated full names (given,
middle and family name) of 16 characters or more, so every step is one full block of 16 positions,
about 138,000 nodes, near the size the issue describes (about 146,000 nodes a step). ``names``:
single given names of 2–10 letters, like microgpt's names.txt: 3 to 11 positions, about 26,000 to
92,000 nodes a step.

Each engine trains in a process of its own, as a user runs it: a plain loop, the cycle collector
on, no switch. A step's time is the CPU time of its process (``time.process_time``), so that other
programs taking turns on a shared machine do not count. A round runs both engines (their order
alternates from round to round); each process trains ``--warmup`` untimed steps, then ``--steps``
timed ones (forward pass, cost, backward pass, Adam update), then one more step traced by
tracemalloc from a clean heap: the peak memory of one step. Every loss of every step must be the
same float on both engines, to the last bit. Reported per workload: the median over rounds of each
engine's ms per step, the median ratio (the reference's time / autograd_mini's, above 1 when
autograd_mini is faster) and its spread, the peak memory of a step of each engine, and each
process's peak RSS.

Run: PYTHONPATH=. python benchmarks/bench_microgpt.py [--rounds R] [--steps N] [--quick]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _ratios import report  # noqa: E402

ENGINES = ("reference", "autograd_mini")
# The targets for the ratio on the block workload, per Python; peak memory per step no higher
# than the reference's.
TARGET = {(3, 11): 2.0, (3, 12): 1.5, (3, 13): 1.5}
MODEL_SEED = 42


def documents(workload: str) -> list[str]:
    """300 generated documents: full names of 16 characters or more (``block``), or given names (``names``)."""
    from autograd_mini.gpt import make_names

    if workload == "names":
        return make_names(300, seed=0)
    return [doc for doc in make_names(600, seed=0, words=3) if len(doc) >= 16][:300]


def train(engine: str, workload: str, warmup: int, steps: int) -> dict:
    """One engine's run, in this process: per-step times, every loss, and one traced step."""
    if engine == "reference":
        from microgpt_reference import Value
    else:
        from autograd_mini import Value
    from autograd_mini import topo_order
    from autograd_mini.gpt import GPT, Adam, CharTokenizer

    docs = documents(workload)
    tokenizer = CharTokenizer(docs)
    model = GPT(Value, tokenizer.vocab_size, seed=MODEL_SEED)
    trainer = Adam(model.parameters(), num_steps=1000)
    times, losses = [], []
    for step in range(warmup + steps):
        start = time.process_time()
        loss = model.loss(tokenizer.encode(docs[step % len(docs)]))
        losses.append(trainer.step(loss))
        times.append(time.process_time() - start)
    del loss
    gc.collect()  # the traced step starts from a clean heap on both engines
    tokens = tokenizer.encode(docs[(warmup + steps) % len(docs)])
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = model.loss(tokens)
    losses.append(trainer.step(loss))
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    nodes = len(topo_order([loss])) if engine == "autograd_mini" else None
    return {"ms_per_step": 1e3 * sum(times[warmup:]) / steps, "losses": [x.hex() for x in losses],
            "peak_step_bytes": peak, "nodes_last_step": nodes,
            "max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(engine: str, workload: str, warmup: int, steps: int) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, __file__, "--child", engine, "--workload", workload, "--warmup", str(warmup),
               "--steps", str(steps)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    if proc.returncode:
        sys.exit(f"the {engine} process ({workload}) failed:\n{proc.stderr}")
    return json.loads(proc.stdout.splitlines()[-1])


def compare(workload: str, rounds: int, warmup: int, steps: int) -> None:
    """Run both engines ``rounds`` times on one workload; print the figures and report the ratios."""
    runs = {engine: [] for engine in ENGINES}
    for r in range(rounds):
        for engine in (ENGINES if r % 2 == 0 else ENGINES[::-1]):
            runs[engine].append(run_child(engine, workload, warmup, steps))
    reference, ours = runs["reference"], runs["autograd_mini"]
    same = len({tuple(run["losses"]) for engine in ENGINES for run in runs[engine]}) == 1
    ratios = [r["ms_per_step"] / o["ms_per_step"] for r, o in zip(reference, ours)]
    ratio = statistics.median(ratios)
    ms = {engine: [run["ms_per_step"] for run in runs[engine]] for engine in ENGINES}
    peak = {engine: max(run["peak_step_bytes"] for run in runs[engine]) / 2**20 for engine in ENGINES}
    rss = {engine: max(run["max_rss_mib"] for run in runs[engine]) for engine in ENGINES}
    target = TARGET.get(sys.version_info[:2]) if workload == "block" else None

    print(f"{workload}: {rounds} rounds of {steps} timed steps per engine (the traced step builds "
          f"{ours[0]['nodes_last_step']:,} nodes on autograd_mini)")
    for engine in ENGINES:
        print(f"  {engine:<14} {statistics.median(ms[engine]):7.1f} ms/step  (rounds {min(ms[engine]):.1f}–"
              f"{max(ms[engine]):.1f}); peak memory of one step {peak[engine]:.1f} MiB; process peak RSS "
              f"{rss[engine]:.0f} MiB")
    print(f"  losses of all {len(reference[0]['losses'])} steps identical to the last bit on both engines: "
          f"{'yes' if same else 'NO'}")
    print(f"  reference / autograd_mini: {ratio:.2f}x (rounds {min(ratios):.2f}–{max(ratios):.2f})"
          + (f"   (target ≥ {target:g}x)" if target else ""))
    what = "a full block of 16 positions" if workload == "block" else "single names"
    report(f"microgpt step, {what}: reference engine / autograd_mini, plain loops"
           + ("" if same else " (LOSSES DIFFER)"), ratio, target if same else None, True,
           f"{statistics.median(ms['autograd_mini']):.0f} vs {statistics.median(ms['reference']):.0f} ms; "
           f"rounds {min(ratios):.2f}–{max(ratios):.2f}; losses {'identical' if same else 'DIFFER'}")
    report(f"microgpt step's peak memory, {what}: autograd_mini / reference", peak["autograd_mini"] / peak["reference"],
           1.0, False, f"{peak['autograd_mini']:.1f} vs {peak['reference']:.1f} MiB (tracemalloc)")
    if not same:
        sys.exit(f"the two engines' losses differ ({workload})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each one process per engine (median reported)")
    parser.add_argument("--steps", type=int, default=8, help="timed training steps per process")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps before them")
    parser.add_argument("--workload", choices=("block", "names"), action="append",
                        help="only this workload (repeatable; default: both)")
    parser.add_argument("--quick", action="store_true", help="one round of 3 steps")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(train(args.child, args.workload[0], args.warmup, args.steps)))
        return
    if args.quick:
        args.rounds, args.steps, args.warmup = 1, 3, 1
    print(f"Python {sys.version.split()[0]}; microgpt's GPT (1 layer, n_embd 16, 4 heads, block 16), one document "
          f"per step; each engine in its own process, plain loop, collector on; CPU ms per step")
    for workload in args.workload or ("block", "names"):
        compare(workload, args.rounds, args.warmup, args.steps)


if __name__ == "__main__":
    main()
