"""Nothing lost (issue 23, items 1 to 4): outputs checked against every input, standard input's file
included; atomic writes replace only regular files; one run's outputs are committed together, so
a run that fails, is killed or runs out of space leaves the previous ones byte for byte; a second
run into the same folder is refused."""

import json
import os
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from autograd_mini import DeepNet, cli, save_model
from autograd_mini.atomic import NotARegularFile, atomic_write

from test_safe_files import model_and_csv, one_line, run  # noqa: F401 (model_and_csv is a fixture)

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop("AUTOGRAD_MINI_DEBUG", None)


def snapshot(folder: Path) -> dict:
    """Every entry of ``folder`` by name: a file's bytes, a link's target."""
    return {p.name: ("link", os.readlink(p)) if p.is_symlink() else p.read_bytes() for p in sorted(folder.iterdir())}


def leftovers(out: Path) -> list:
    """What a run left beside ``out``: its lock file and temporary folders."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def cli_with_stdin(args, stdin_path, cwd=None):
    with open(stdin_path, "rb") as stdin:
        return subprocess.run([sys.executable, "-m", "autograd_mini", *map(str, args)], stdin=stdin, cwd=cwd,
                              capture_output=True, text=True, env=ENV, timeout=300)


# ------------------------------------------------------------------------------ 1. --json against the inputs

LEARNER = "def backward_propagation(X, Y, parameters):\n    raise AssertionError('never run')\n"


@pytest.mark.parametrize("how", ["the same path", "a hard link", "a symbolic link", "through .."])
def test_check_json_never_overwrites_the_learners_code(tmp_path, how):
    code = tmp_path / "mine.py"
    code.write_text(LEARNER)
    json_path = {"the same path": code, "a hard link": tmp_path / "hard.py", "a symbolic link": tmp_path / "link.py",
                 "through ..": tmp_path / "sub" / ".." / "mine.py"}[how]
    if how == "a hard link":
        os.link(code, json_path)
    elif how == "a symbolic link":
        json_path.symlink_to(code)
    elif how == "through ..":
        (tmp_path / "sub").mkdir()
    result = run("check", "--backward", f"{code}:backward_propagation", "--layers", "2,3,1", "--json", json_path)
    line = one_line(result)
    assert f"is the input {code}" in line and "never overwrites an input" in line
    assert code.read_text() == LEARNER and result.stdout == ""


# ------------------------------------------------------------------------------ 2. standard input is an input


@pytest.fixture
def model_and_data(model_and_csv):
    params, data, _ = model_and_csv  # a model of features a, b and X.csv holding two rows of them
    return params, data


@pytest.mark.parametrize("csv", ["-", "/dev/stdin"])
def test_predict_refuses_an_output_that_is_the_file_on_standard_input(model_and_data, tmp_path, csv):
    params, data = model_and_data
    for output in (data, tmp_path / "alias.csv"):
        if output.name == "alias.csv":
            os.link(data, output)
        result = cli_with_stdin(["predict", "--params", params, "--csv", csv, "--output", output], data)
        assert "is the input standard input" in one_line(result) or f"is the input {csv}" in one_line(result)
        assert data.read_text() == "a,b\n1,2\n3,4\n"


def test_predict_reads_standard_input_from_a_pipe_and_writes_anywhere_else(model_and_data, tmp_path):
    params, data = model_and_data
    result = subprocess.run([sys.executable, "-m", "autograd_mini", "predict", "--params", str(params), "--csv", "-",
                             "--output", str(tmp_path / "p.csv")], input=data.read_text(), capture_output=True,
                            text=True, env=ENV, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "p.csv").read_text().startswith("prediction,probability\n")
    result = cli_with_stdin(["predict", "--params", params, "--csv", "-", "--output", tmp_path / "q.csv"], data)
    assert result.returncode == 0 and len((tmp_path / "q.csv").read_text().splitlines()) == 3


def test_train_refuses_to_overwrite_the_file_on_its_standard_input(tmp_path):
    out = tmp_path / "o"
    assert run("train", "--epochs", 3, "--out", out).returncode == 0
    before = snapshot(out)
    result = cli_with_stdin(["train", "--csv", "-", "--target", "label", "--out", out], out / "predictions.csv")
    assert f"the output {out / 'predictions.csv'} is the input standard input" in one_line(result)
    assert "training" not in result.stdout
    assert snapshot(out) == before and leftovers(out) == []


# ------------------------------------------------------------------------------ 3. only regular files are replaced


def special_files(folder: Path) -> list:
    """A private stand-in for /dev: a FIFO always, and the null device itself where mknod is allowed (root)."""
    folder.mkdir()
    os.mkfifo(folder / "fifo")
    made = [folder / "fifo"]
    try:
        os.mknod(folder / "null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        made.append(folder / "null")
    except PermissionError:
        pass
    return made


def kind(path: Path) -> int:
    return stat.S_IFMT(os.lstat(path).st_mode)


def test_json_and_output_refuse_a_device_or_a_fifo(tmp_path, model_and_data):
    params, data = model_and_data
    for special in special_files(tmp_path / "dev"):
        before = kind(special)
        line = one_line(run("check", "--layers", "2,3,1", "--json", special))
        assert f"cannot write {special}: it is a" in line and "not a regular file" in line
        line = one_line(run("predict", "--params", params, "--csv", data, "--output", special))
        assert "not a regular file" in line
        assert kind(special) == before  # still the FIFO or the device, not a regular file
        with pytest.raises(NotARegularFile, match="not a regular file"):
            save_model(DeepNet([2, 3, 1]), special)
        assert kind(special) == before


def test_an_output_through_an_open_file_descriptor_is_refused(tmp_path, model_and_data):
    """A link to /proc/self/fd/1 is the process's standard output: an atomic write would replace the link."""
    params, data = model_and_data
    link = tmp_path / "stdout.csv"
    link.symlink_to("/proc/self/fd/1")
    with open(tmp_path / "captured.txt", "w") as captured:
        result = subprocess.run([sys.executable, "-m", "autograd_mini", "predict", "--params", str(params), "--csv",
                                 str(data), "--output", str(link)], stdout=captured, stderr=subprocess.PIPE,
                                text=True, env=ENV, timeout=300)
    assert result.returncode == 2 and "names a device or an open file descriptor" in result.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    for name in ("/dev/stdout", "/dev/null", "/proc/self/fd/2", "/dev/fd/1"):
        with pytest.raises(NotARegularFile, match="names a device or an open file descriptor"):
            atomic_write(name, "never written")


def test_a_special_file_where_train_writes_is_refused_before_training(tmp_path):
    out = tmp_path / "o"
    assert run("train", "--epochs", 3, "--out", out).returncode == 0
    (out / "history.json").unlink()
    os.mkfifo(out / "history.json")
    result = run("train", "--epochs", 3, "--out", out)
    assert "o/history.json is a special file, where the run writes its file history.json" in one_line(result)
    assert "training" not in result.stdout and stat.S_ISFIFO(os.lstat(out / "history.json").st_mode)


# ------------------------------------------------------------------------------ 4. one run's outputs together


def test_a_file_name_that_is_a_folder_is_refused_before_training(tmp_path):
    out = tmp_path / "o"
    (out / "params.npz").mkdir(parents=True)
    start = time.monotonic()
    result = run("train", "--epochs", 100000, "--out", out)
    assert "is a folder, where the run writes its file params.npz" in one_line(result)
    assert "training" not in result.stdout and time.monotonic() - start < 30
    assert (out / "params.npz").is_dir()


def test_files_the_run_does_not_write_are_kept_and_stale_outputs_go(tmp_path):
    out = tmp_path / "o"
    assert run("train", "--epochs", 3, "--out", out).returncode == 0  # moons: 2-D, with boundary.png
    (out / "notes.txt").write_text("mine")
    (out / "to_notes").symlink_to("notes.txt")
    result = run("train", "--dataset", "breast_cancer", "--epochs", 3, "--out", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["cost.png", "history.json", "notes.txt", "params.npz",
                                                     "predictions.csv", "to_notes"]  # no boundary of the old run
    assert (out / "notes.txt").read_text() == "mine" and os.readlink(out / "to_notes") == "notes.txt"
    assert leftovers(out) == []
    (out / "sub").mkdir()
    assert "o/sub is a folder" in one_line(run("train", "--epochs", 3, "--out", out))


def test_the_current_folder_is_not_an_out_folder(tmp_path):
    out = tmp_path / "o"
    out.mkdir()
    assert "is the current folder" in one_line(run("train", "--epochs", 3, "--out", ".", cwd=out))
    assert list(out.iterdir()) == []


def out_of_memory(*args, **kwargs):
    raise MemoryError


def test_a_failure_after_some_files_were_written_leaves_the_old_outputs(tmp_path, monkeypatch):
    """Out of memory while drawing the cost curve: params.npz and predictions.csv were written already."""
    import viz.plots

    out = tmp_path / "o"
    assert cli.main(["train", "--epochs", "3", "--seed", "1", "--out", str(out), "--no-progress"]) == 0
    before = snapshot(out)
    monkeypatch.setattr(viz.plots, "plot_cost", out_of_memory)
    assert cli.main(["train", "--epochs", "3", "--seed", "2", "--out", str(out), "--no-progress"]) == 2
    assert snapshot(out) == before and leftovers(out) == []


def test_the_fallback_without_an_atomic_swap_still_commits_and_repairs(tmp_path, monkeypatch):
    """Where renameat2 cannot swap two folders, the old one is renamed away and the new one put in its place;
    a run killed between the two renames leaves it at .o.old-*, and the next run puts it back first."""
    import viz.plots

    from autograd_mini import outputs

    monkeypatch.setattr(outputs, "exchange", lambda a, b: False)
    out = tmp_path / "o"
    assert cli.main(["train", "--epochs", "3", "--seed", "1", "--out", str(out), "--no-progress"]) == 0
    first = snapshot(out)
    out.rename(tmp_path / ".o.old-killed")  # as a kill between the two renames leaves it
    with monkeypatch.context() as failing:
        failing.setattr(viz.plots, "plot_cost", out_of_memory)
        assert cli.main(["train", "--epochs", "3", "--seed", "2", "--out", str(out), "--no-progress"]) == 2
    assert snapshot(out) == first and leftovers(out) == []  # put back, then left as it was
    assert cli.main(["train", "--epochs", "3", "--seed", "2", "--out", str(out), "--no-progress"]) == 0
    assert snapshot(out) != first and leftovers(out) == []


_DRIVER = r"""
import json, os, random, resource, shutil, signal, sys, time, traceback
from pathlib import Path
from autograd_mini import cli
import viz.plots  # imported and warmed once, before the forks

viz.plots.plot_cost([1.0, 0.5])

out, old, new, mode, rounds = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4], int(sys.argv[5])
ARGS = ["train", "--epochs", "60", "--hidden", "6", "--seed", "2", "--out", str(out), "--no-progress"]

def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else None

def child(file_size=None):
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    if file_size is None:  # what the run says on stderr goes to a file, read when it did not end as it should
        os.dup2(os.open(out.parent / "stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
    else:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    code = 99
    try:
        code = cli.main(ARGS)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        os._exit(code)

def start(file_size=None):
    pid = os.fork()
    if pid == 0:
        child(file_size)
    return pid

def finish(pid):
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

old_files, new_files = snapshot(old), snapshot(new)
def record(**fields):
    now = snapshot(out)
    fields.update(same_as_old=now == old_files, same_as_new=now == new_files,
                  leftovers=sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".o.")))
    print(json.dumps(fields), flush=True)
    if now != old_files:  # back to the previous outputs for the next round
        shutil.rmtree(out)
        shutil.copytree(old, out)

if mode == "kill":
    times = []
    for _ in range(3):
        begin = time.perf_counter()
        finish(start())
        times.append(time.perf_counter() - begin)
        shutil.rmtree(out)
        shutil.copytree(old, out)
    full = sorted(times)[1]
    rng = random.Random(23)
    for name in ("SIGKILL", "SIGINT", "SIGTERM"):
        for _ in range(rounds):
            inode = os.stat(out).st_ino
            pid = start()
            time.sleep(rng.uniform(0, 1.15 * full))
            try:
                os.kill(pid, getattr(signal, name))
            except ProcessLookupError:
                pass
            rc = finish(pid)
            said = (out.parent / "stderr.txt").read_text()[-2000:] if rc not in (0, 130, 143, -2, -9, -15) else ""
            record(signal=name, rc=rc, committed=os.stat(out).st_ino != inode, stderr=said)
else:  # a file size limit (ulimit -f): the run fails when a file grows past it
    for size in map(int, mode.split(",")):
        inode = os.stat(out).st_ino
        rc = finish(start(size))
        record(file_size=size, rc=rc, committed=os.stat(out).st_ino != inode)
"""


@pytest.fixture
def old_and_new(tmp_path):
    """The outputs of the run before (seed 1, at o) and of the run the driver starts (seed 2), as files."""
    common = ["--epochs", "60", "--hidden", "6", "--no-progress"]
    out, new = tmp_path / "o", tmp_path / "expected_new"
    for seed, folder in ((1, out), (2, new)):
        assert cli.main(["train", *common, "--seed", str(seed), "--out", str(folder)]) == 0
    old = tmp_path / "expected_old"
    old.mkdir()
    for p in out.iterdir():
        (old / p.name).write_bytes(p.read_bytes())
    assert snapshot(old) != snapshot(new)
    return out, old, new


def drive(out, old, new, mode: str, rounds: int = 0) -> list:
    result = subprocess.run([sys.executable, "-c", _DRIVER, str(out), str(old), str(new), mode, str(rounds)],
                            capture_output=True, text=True, env=ENV, timeout=900, cwd=out.parent)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


@pytest.mark.slow
def test_a_killed_or_interrupted_run_leaves_the_previous_outputs_byte_for_byte(old_and_new):
    """30 rounds each of SIGKILL, SIGINT and SIGTERM at random moments of a run. After every round --out holds
    exactly the previous outputs (the run had not put its folder in place: --out is the same folder, same
    inode) or exactly the new run's (it had): never a mix, never nothing. An interrupted or terminated run
    cleans up after itself; what a killed one leaves beside --out, the next run removes."""
    out, old, new = old_and_new
    records, _ = drive(out, old, new, "kill", rounds=30)
    assert len(records) == 90
    for r in records:
        if r["committed"]:
            assert r["same_as_new"], r
        else:
            assert r["same_as_old"] and r["rc"] != 0, r
            if r["signal"] != "SIGKILL":
                assert r["leftovers"] == [], r
    for name in ("SIGKILL", "SIGINT", "SIGTERM"):
        stopped = [r for r in records if r["signal"] == name and not r["committed"]]
        assert len(stopped) >= 10, (name, records)  # most rounds stop a run before it could finish
    assert {r["rc"] for r in records if r["signal"] == "SIGINT" and not r["committed"]} <= {130, -2}
    assert {r["rc"] for r in records if r["signal"] == "SIGTERM" and not r["committed"]} <= {143, -15}
    assert cli.main(["train", "--epochs", "3", "--out", str(out), "--no-progress"]) == 0
    assert leftovers(out) == []  # a killed run's temporary folder and lock, removed by the next run


def test_a_full_disk_at_any_file_leaves_the_previous_outputs_byte_for_byte(old_and_new):
    """ulimit -f at sizes that stop the run at different files (params.npz is about 2.6 KB, cost.png 27 KB,
    boundary.png 63 KB): each run fails with one line naming the file in --out, and --out is exactly as before."""
    out, old, new = old_and_new
    sizes = [0, 1000, 5000, 45000]
    records, errors = drive(out, old, new, ",".join(map(str, sizes)))
    assert [r["file_size"] for r in records] == sizes
    for r in records:
        assert r["rc"] == 2 and not r["committed"] and r["same_as_old"] and r["leftovers"] == [], r
    lines = errors.strip().splitlines()
    assert len(lines) == len(sizes) and all("File too large" in line and f"cannot write {out}/" in line
                                            for line in lines), lines
    assert len({line.split(f"cannot write {out}/")[1].split(":")[0] for line in lines}) >= 3  # different files


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_runs(tmp_path):
    out = tmp_path / "o"
    assert run("train", "--epochs", 3, "--seed", 1, "--out", out).returncode == 0
    lock = tmp_path / ".o.lock"
    for _ in range(3):
        first = subprocess.Popen([sys.executable, "-m", "autograd_mini", "train", "--epochs", "3000", "--seed", "2",
                                  "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=ENV)
        deadline = time.monotonic() + 120
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):  # the first run holds the lock
            assert time.monotonic() < deadline and first.poll() is None, first.communicate()
            time.sleep(0.02)
        second = run("train", "--epochs", 3, "--seed", 3, "--out", out)
        assert f"another autograd-mini run (process {first.pid}) is writing into {out}" in one_line(second)
        assert "training" not in second.stdout
        _, stderr = first.communicate(timeout=600)
        assert first.returncode == 0, stderr
        assert len(json.loads((out / "history.json").read_text())["costs"]) == 3000  # the first run's outputs
        assert leftovers(out) == []


def test_two_runs_started_together_never_mix_their_outputs(tmp_path):
    """Both start at once: the one that takes the lock second is refused (or, when the first had already
    finished, runs after it); --out always holds every file of exactly one run."""
    args = ["train", "--epochs", "200", "--out"]
    expected = {}
    for seed in (2, 3):
        folder = tmp_path / f"expected{seed}"
        assert run(*args, folder, "--seed", seed).returncode == 0
        expected[seed] = snapshot(folder)
    out = tmp_path / "o"
    for _ in range(4):
        runs = [subprocess.Popen([sys.executable, "-m", "autograd_mini", *args, str(out), "--seed", str(seed)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=ENV)
                for seed in (2, 3)]
        results = [(r.wait(timeout=600), r.stderr.read()) for r in runs]
        assert 0 in [code for code, _ in results], results
        for code, stderr in results:
            assert code == 0 or "another autograd-mini run" in stderr, results
        assert snapshot(out) in (expected[2], expected[3])
        assert leftovers(out) == []


@pytest.mark.parametrize("signal_error, status, said", [(KeyboardInterrupt, 130, "interrupted"),
                                                        (cli._Terminated, 143, "terminated")])
@pytest.mark.parametrize("replaced_by", [ValueError("I/O operation on closed file."), zipfile.BadZipFile("truncated"),
                                         AttributeError("'NoneType' object has no attribute 'write'")])
def test_a_signal_whose_interrupt_a_closing_file_replaces_is_still_reported_as_the_signal(
        monkeypatch, capsys, signal_error, status, said, replaced_by):
    """Ctrl-C or SIGTERM in the middle of writing a file: the file's ``with`` block closes it on the way out and
    can raise an error of its own, which replaces the interrupt. The run still ends as an interrupted one (130,
    143, one line), not as a usage error (2) or a traceback."""
    def run(args):
        try:
            raise signal_error
        finally:
            raise replaced_by

    monkeypatch.setattr(cli, "_train", run)
    assert cli.main(["train"]) == status
    assert capsys.readouterr().err == f"autograd-mini train: {said}\n"


@pytest.mark.parametrize("error", [ValueError("bad shape"), TypeError("a bug")])
def test_an_error_with_no_interrupt_behind_it_is_an_error_line_or_a_bug_with_its_traceback(monkeypatch, capsys, error):
    def run(args):
        raise error

    monkeypatch.setattr(cli, "_train", run)
    if isinstance(error, ValueError):
        assert cli.main(["train"]) == 2 and capsys.readouterr().err == "autograd-mini train: error: bad shape\n"
    else:
        with pytest.raises(TypeError, match="a bug"):
            cli.main(["train"])
