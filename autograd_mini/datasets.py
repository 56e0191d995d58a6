"""Teaching data in the notes' layout: X is (n_x, m), examples are columns; Y is (1, m) in {0, 1}.

Seeded 2-D generators (``flower``, ``moons``, ``circles``, ``xor``), a train/test split,
CSV loading, and two small real datasets shipped in the package (``breast_cancer``, binary;
``digits``, 10 classes with Y one-hot (10, m); sources and licences in ``autograd_mini/data/README.md``).

>>> X, Y = make_moons(m=100, seed=0)
>>> X.shape, Y.shape
((2, 100), (1, 100))
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .nn import one_hot
from .validate import MAX_NAME_CHARS, MEMORY_LIMIT_VARIABLE, check_int, memory_limit, resident_memory, size_text

__all__ = [
    "make_flower",
    "make_moons",
    "make_circles",
    "make_xor",
    "GENERATORS",
    "DATASETS",
    "load_dataset",
    "load_csv",
    "breast_cancer",
    "digits",
    "DIGIT_SHAPE",
    "standardization",
    "standardize",
    "train_test_split",
    "CSVData",
    "DataError",
    "shown_names",
]

DATA_DIR = Path(__file__).with_name("data")


class DataError(ValueError):
    """A dataset that cannot be read or used; the message names the file and line."""


def _check(m: int, noise: float) -> None:
    check_int(m, "m (the number of examples)", 2)
    if not noise >= 0:
        raise ValueError(f"noise (the standard deviation of the jitter) must be ≥ 0; got {noise}")


def _halves(m: int) -> tuple[int, int]:
    return m // 2, m - m // 2


def make_flower(m: int = 400, petals: int = 4, noise: float = 0.2, seed: int | None = 0):
    """The planar 'flower': two classes wound into ``petals`` petals, not linearly separable.

    Points lie on r = 4·sin(petals·t) for t in each class's half turn, jittered by ``noise``.
    """
    _check(m, noise)
    rng = np.random.default_rng(seed)
    X, Y = [], []
    for label, n in enumerate(_halves(m)):
        t = np.linspace(label * np.pi, (label + 1) * np.pi, n) + rng.normal(0, noise, n)
        r = 4 * np.sin(petals * t) + rng.normal(0, noise, n)
        X.append(np.stack([r * np.sin(t), r * np.cos(t)]))
        Y.append(np.full(n, label))
    return _shuffle(np.concatenate(X, axis=1), np.concatenate(Y), rng)


def make_moons(m: int = 200, noise: float = 0.1, seed: int | None = 0):
    """Two interleaved half circles (class 0 above, class 1 below), with Gaussian ``noise``."""
    _check(m, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _halves(m)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.stack([np.cos(t0), np.sin(t0)])
    lower = np.stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower], axis=1) + rng.normal(0, noise, (2, m))
    Y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _shuffle(X, Y, rng)


def make_circles(m: int = 200, factor: float = 0.5, noise: float = 0.05, seed: int | None = 0):
    """A circle of class 1 (radius ``factor``) inside a circle of class 0 (radius 1)."""
    _check(m, noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor (inner radius / outer radius) must lie in (0, 1); got {factor}")
    rng = np.random.default_rng(seed)
    n0, n1 = _halves(m)
    t0 = np.linspace(0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0, 2 * np.pi, n1, endpoint=False)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)]), factor * np.stack([np.cos(t1), np.sin(t1)])], axis=1)
    X = X + rng.normal(0, noise, (2, m))
    Y = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _shuffle(X, Y, rng)


def make_xor(m: int = 200, noise: float = 0.0, seed: int | None = 0):
    """Points in [-1, 1]²; class 1 where x1 and x2 have the same sign (XOR of the signs)."""
    _check(m, noise)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (2, m))
    Y = (X[0] * X[1] > 0).astype(np.float64)
    X = X + rng.normal(0, noise, (2, m)) if noise else X
    return X, Y.reshape(1, m)


def _shuffle(X: np.ndarray, Y: np.ndarray, rng: np.random.Generator):
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[order].astype(np.float64).reshape(1, -1)


GENERATORS: dict[str, Callable] = {
    "flower": make_flower,
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
}


@dataclass
class CSVData:
    """Columns of a CSV in the notes' layout: ``X`` (n_x, m), ``Y`` (1, m), and the names."""

    X: np.ndarray
    Y: np.ndarray | None
    feature_names: list[str] = field(default_factory=list)
    target: str | None = None


#: Characters read (and parsed by numpy's C parser) at a time while streaming a CSV (fewer under a
#: small memory limit: at most 1/512 of it).
CSV_BLOCK_CHARS = 1 << 22
#: Bytes one character of the block in hand may take while it is parsed: the text, its lines, the
#: values, and where numpy refuses the block, the csv module's rows of Python floats.
PARSE_BYTES_PER_CHAR = 48


def shown_names(names: list, most: int = 10) -> str:
    """The first ``most`` names, quoted and each cut to 40 characters, and how many more there are."""
    listed = ", ".join(repr(name if len(name) <= 40 else name[:40] + "…") for name in names[:most])
    return listed + (f" and {len(names) - most:,} more" if len(names) > most else "")


def _open_csv(path):
    """The text stream of ``path`` (``-`` is standard input) and the name to show in messages."""
    if str(path) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline=""), "standard input"
    try:  # open, not is_file: /dev/stdin and process substitution (/dev/fd/N) are readable, not files
        return open(path, newline="", encoding="utf-8-sig"), str(path)  # -sig: spreadsheets add a BOM
    except FileNotFoundError:
        raise DataError(f"no such CSV file: {path}") from None
    except IsADirectoryError:
        raise DataError(f"{path} is a folder, not a CSV file") from None
    except OSError as exc:
        raise DataError(f"cannot read the CSV file {path}: {exc.strerror}") from None


class _LineTooLong(Exception):
    """A line of more characters than the memory limit allows (the caller knows its number)."""


def _blocks(handle, block_chars: int, max_line: int):
    """Whole lines of ``handle`` in blocks of about ``block_chars`` characters. A line ends at LF, CRLF or
    a lone CR (old Mac files); a line longer than ``max_line`` characters raises _LineTooLong."""
    rest = ""
    while True:
        text = handle.read(block_chars)
        if not text:
            break
        text = rest + text
        # the last line end; a CR as the very last character may be the first half of a CRLF: wait for more
        cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1)) + 1
        rest = text[cut:]
        if len(rest) > max_line:
            raise _LineTooLong
        if cut:
            yield text[:cut]
    if rest:
        yield rest


def _cells(name: str, header: list, numbered) -> tuple[list, np.ndarray]:
    """The reference parser (csv module, one float() per cell), with the line of each row: it
    names the line and the cell of a bad value."""
    lines, rows = [], []
    numbered = list(numbered)
    for line, row in zip((n for n, _ in numbered), csv.reader(text for _, text in numbered)):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # a blank line
        if not any(cell.strip() for cell in row):
            raise DataError(f"{name}, line {line}: every cell of the row is empty; fill in its values or delete it")
        if len(row) != len(header):
            raise DataError(f"{name}, line {line}: {len(row)} fields, but the header has {len(header)}")
        values = []
        for j, cell in enumerate(row):
            try:
                values.append(float(cell))
            except ValueError:
                raise DataError(f"{name}, line {line}, column {header[j]!r}: {cell!r} is not a number") from None
        lines.append(line)
        rows.append(values)
    return lines, np.array(rows, dtype=np.float64).reshape(-1, len(header))


def _check_values(name: str, lines: list, values: np.ndarray, t: int | None, target: str | None) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        raise DataError(f"{name}, line {lines[int(np.argwhere(bad)[0][0])]}: NaN or infinite value")
    if t is not None:
        outside = ~np.isin(values[:, t], (0.0, 1.0))
        if outside.any():
            row = int(np.argmax(outside))
            raise DataError(f"{name}, line {lines[row]}: target {target!r} must be 0 or 1; got {values[row, t]:g}")


def _parse_block(name: str, header: list, first_line: int, lines: list, t: int | None, target: str | None):
    """The values (k, n) of a block of text lines, the first of them line ``first_line`` of the file.

    numpy's C parser reads a good block; a block it refuses, or with a value that is not
    finite or a bad target, is read again by the reference parser to name the line.
    """
    if not any(lines):
        return np.empty((0, len(header)))
    try:
        values = np.loadtxt(lines, delimiter=",", comments=None, quotechar='"', dtype=np.float64, ndmin=2)
        if values.shape[1] == len(header) and np.isfinite(values).all() and \
                (t is None or np.isin(values[:, t], (0.0, 1.0)).all()):
            return values
    except ValueError:
        pass  # numpy refused the block: the line-by-line parser below finds the line and says what is wrong
    numbers, values = _cells(name, header, enumerate(lines, start=first_line))
    _check_values(name, numbers, values, t, target)
    return values


class _Columns:
    """A float64 array of shape (n, capacity) that grows by half as rows arrive (amortised O(1)), to at
    most ``max_rows`` columns: appending more raises _TooManyRows."""

    def __init__(self, n: int, max_rows: int):
        self.data = np.empty((n, 0))
        self.m = 0
        self.max_rows = max_rows

    def reserve(self, rows: int) -> None:
        rows = min(rows, self.max_rows)
        if rows > self.data.shape[1]:
            grown = np.empty((self.data.shape[0], rows))
            grown[:, :self.m] = self.data[:, :self.m]
            self.data = grown

    def append(self, rows: np.ndarray) -> None:
        k = rows.shape[0]
        if self.m + k > self.max_rows:
            raise _TooManyRows
        if self.m + k > self.data.shape[1]:
            self.reserve(max(self.m + k, self.data.shape[1] * 3 // 2))
        self.data[:, self.m:self.m + k] = rows.T
        self.m += k


class _TooManyRows(Exception):
    """More rows than the memory limit leaves room for."""


class _Room:
    """How much of the memory limit a CSV load may use, fixed when it starts: blocks of at most 1/512 of
    the limit, lines of at most 1/256, room to parse both, and the rest (less what the process holds
    already) for the values, of which the array and its final copy (X apart from Y) may take half each."""

    def __init__(self):
        self.limit = memory_limit()
        self.in_use = resident_memory()
        self.block_chars = min(CSV_BLOCK_CHARS, max(1 << 12, self.limit // 512))
        self.max_line = max(1 << 13, self.limit // 256)
        self.values = self.limit - self.in_use - PARSE_BYTES_PER_CHAR * (self.block_chars + self.max_line)

    def max_rows(self, n: int) -> int:
        return max(0, self.values // (2 * 8 * n))

    def exceeded(self) -> str:
        return (f"the memory limit of {size_text(self.limit)} (set {MEMORY_LIMIT_VARIABLE} in bytes to change it; "
                f"{size_text(self.in_use)} of it held before loading)")


def _size(handle) -> int:
    """The size in bytes of a regular file behind ``handle``; 0 for a pipe or a terminal."""
    try:
        return os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):
        return 0


def _check_header(name: str, line: int, header: list, target: str | None) -> None:
    """Names of at most MAX_NAME_CHARS characters, each once (counted in one pass), and the target among them."""
    for k, cell in enumerate(header):
        if len(cell) > MAX_NAME_CHARS:
            raise DataError(f"{name}, line {line}: column {k + 1}'s name has {len(cell):,} characters, more than "
                            f"the {MAX_NAME_CHARS:,} a feature name may have ({cell[:40]!r}…)")
    counts = Counter(header)
    repeated = [h for h, count in counts.items() if count > 1]
    if repeated:
        raise DataError(f"{name}, line {line}: the header names these columns more than once: {shown_names(repeated)}")
    if target is not None and target not in counts:
        raise DataError(f"{name}: no column named {target!r}; the columns are {shown_names(header)}")
    if target is not None and len(header) == 1:
        raise DataError(f"{name}: the only column is the target {target!r}; there are no feature columns (n_x = 0)")


def load_csv(path, target: str | None = None) -> CSVData:
    """Read a numeric CSV with a header row into X of shape (n_x, m) and Y of shape (1, m).

    ``path`` is any readable file (``/dev/stdin``, a pipe) or ``-`` for standard input. The file
    is streamed in blocks of :data:`CSV_BLOCK_CHARS` characters into one array sized from the
    file's length (grown by half when that was short), so the peak memory stays near twice the
    final float64 arrays. Lines may end in LF, CRLF or CR. Under the memory limit
    (:func:`~autograd_mini.validate.memory_limit`) the load stops with a :class:`DataError` when the
    values would not fit beside what the process holds, and a line may hold at most 1/256 of the
    limit in characters; a header cell (a feature name) at most ``MAX_NAME_CHARS``. ``target``
    names the label column (values 0 or 1); without it every column is a feature (for
    ``predict``). A missing file, an unknown column, a ragged row, a row of empty cells or a
    non-number is a :class:`DataError` naming the file and line.
    """
    room = _Room()
    handle, name = _open_csv(path)
    line = 0
    try:
        header = None
        while header is None:
            text = handle.readline(room.max_line + 1)
            if not text:
                raise DataError(f"{name}: needs a header row and at least one data row")
            if len(text) > room.max_line:
                raise _LineTooLong
            line += 1
            cells = next(csv.reader([text]), [])
            if any(cell.strip() for cell in cells):
                header = [cell.strip() for cell in cells]
        _check_header(name, line, header, target)
        t = None if target is None else header.index(target)
        columns, size = _Columns(len(header), room.max_rows(len(header))), _size(handle)
        if columns.max_rows == 0:
            raise DataError(f"{name}: no room for even one row of {len(header):,} columns under {room.exceeded()}")
        for block in _blocks(handle, room.block_chars, room.max_line):
            lines = block.splitlines()
            values = _parse_block(name, header, line + 1, lines, t, target)
            if columns.m == 0 and size and values.shape[0]:
                columns.reserve(int(values.shape[0] * size / len(block) * 1.02) + 1)  # rows the file will hold
            columns.append(values)
            line += len(lines)
    except _LineTooLong:
        raise DataError(f"{name}, line {line + 1}: longer than {room.max_line:,} characters, the most a line may "
                        f"have under {room.exceeded()}; stopped reading") from None
    except _TooManyRows:
        raise DataError(f"{name}: more than {columns.max_rows:,} rows of {len(header):,} columns (line {line + 1} and "
                        f"after) would take more than {room.exceeded()}; stopped reading") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{name} is not a readable CSV file: {exc}") from None
    finally:
        if str(path) == "-":
            handle.detach()  # leave standard input open for the caller
        else:
            handle.close()
    if columns.m == 0:
        raise DataError(f"{name}: needs a header row and at least one data row")
    values = columns.data[:, :columns.m]
    if t is None:
        return CSVData(np.ascontiguousarray(values), None, header, None)
    X = np.delete(values, t, axis=0)  # a new contiguous (n_x, m) array
    Y = values[t].reshape(1, -1).copy()
    return CSVData(X, Y, [h for k, h in enumerate(header) if k != t], target)


def standardization(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean μ and standard deviation σ of each feature (row of X (n_x, m)), each (n_x, 1).

    μ = (1/m) Σ_i x⁽ⁱ⁾, σ = sqrt((1/m) Σ_i (x⁽ⁱ⁾ − μ)²), computed on each row divided by its
    largest |x| first, so the squares neither overflow (|x| ~ 1e200) nor underflow (|x| ~ 1e-300)
    for any finite data. A constant feature gets σ = 1 (it is then only centred).
    """
    scale = np.max(np.abs(X), axis=1, keepdims=True)
    scale[scale == 0] = 1.0
    scaled = X / scale
    mean = scaled.mean(axis=1, keepdims=True) * scale
    std = scaled.std(axis=1, keepdims=True) * scale
    std[std == 0] = 1.0
    return mean, std


def standardize(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(X − μ) / σ, computed as X/σ − μ/σ so that no intermediate can overflow for finite data."""
    return X / std - mean / std


def breast_cancer() -> CSVData:
    """The shipped Breast Cancer Wisconsin data with its 30 feature names; the target is ``benign``."""
    return load_csv(DATA_DIR / "breast_cancer.csv", target="benign")


def _load_breast_cancer(seed: int | None = None):
    data = breast_cancer()
    return data.X, data.Y


#: Each digit is an 8 × 8 image; column i of X is image i read row by row (X[:, i].reshape(DIGIT_SHAPE)).
DIGIT_SHAPE = (8, 8)


def digits() -> tuple[np.ndarray, np.ndarray]:
    """The shipped UCI handwritten digits: X (64, 1797), pixels 0..16, and the digits as labels (1, 1797).

    ``one_hot(labels, 10)`` gives Y for a softmax net (what ``load_dataset("digits")`` returns).
    """
    with gzip.open(DATA_DIR / "digits.csv.gz", "rt") as handle:
        rows = np.loadtxt(handle, delimiter=",", dtype=np.float64, ndmin=2)
    return np.ascontiguousarray(rows[:, :-1].T), rows[:, -1].astype(np.int64).reshape(1, -1)


def _load_digits(seed: int | None = None):
    X, labels = digits()
    return X, one_hot(labels, 10)


DATASETS: dict[str, Callable] = {**GENERATORS, "breast_cancer": _load_breast_cancer, "digits": _load_digits}


def load_dataset(name: str, m: int | None = None, seed: int | None = 0):
    """A dataset by name: one of the generators (``m`` examples, ``seed``), ``breast_cancer`` or
    ``digits`` (Y one-hot (10, m))."""
    if name not in DATASETS:
        raise DataError(f"unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}")
    if name in GENERATORS:
        return GENERATORS[name](seed=seed) if m is None else GENERATORS[name](m=m, seed=seed)
    if m is not None:
        raise DataError(f"{name!r} is a fixed data set; m cannot be chosen for it")
    return DATASETS[name](seed)


def train_test_split(X: np.ndarray, Y: np.ndarray, test_fraction: float = 0.2, seed: int | None = 0):
    """Shuffle the m columns and split them: returns X_train, Y_train, X_test, Y_test."""
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(f"X must be (n_x, m) and Y (n_L, m) with the same m; got {X.shape} and {Y.shape}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1); got {test_fraction}")
    m = X.shape[1]
    n_test = int(round(m * test_fraction))
    if n_test < 1 or n_test >= m:
        raise ValueError(f"test_fraction {test_fraction} leaves no example on one side of m = {m}")
    order = np.random.default_rng(seed).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return X[:, train], Y[:, train], X[:, test], Y[:, test]
