"""Teaching data in the notes' layout: X is (n_x, m), examples are columns; Y is (1, m) in {0, 1}.

Seeded 2-D generators (``flower``, ``moons``, ``circles``, ``xor``), a train/test split,
CSV loading, and one small real dataset shipped in the package (``breast_cancer``; source
and licence in ``autograd_mini/data/README.md``).

>>> X, Y = make_moons(m=100, seed=0)
>>> X.shape, Y.shape
((2, 100), (1, 100))
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .validate import check_int

__all__ = [
    "make_flower",
    "make_moons",
    "make_circles",
    "make_xor",
    "GENERATORS",
    "DATASETS",
    "load_dataset",
    "load_csv",
    "train_test_split",
    "CSVData",
    "DataError",
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


def load_csv(path, target: str | None = None) -> CSVData:
    """Read a numeric CSV with a header row into X of shape (n_x, m) and Y of shape (1, m).

    ``target`` names the label column (values 0 or 1); without it every column is a feature
    (for ``predict``). A missing file, an unknown column, a ragged row or a non-number is a
    :class:`DataError` naming the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such CSV file: {path}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:  # -sig: spreadsheets add a BOM
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{path} is not a readable CSV file: {exc}") from None
    rows = [(number, row) for number, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise DataError(f"{path}: needs a header row and at least one data row")
    header = [name.strip() for name in rows[0][1]]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise DataError(f"{path}, line {rows[0][0]}: the header names {', '.join(map(repr, repeated))} more than once")
    if target is not None and target not in header:
        raise DataError(f"{path}: no column named {target!r}; the columns are {', '.join(header)}")
    values = np.empty((len(rows) - 1, len(header)))
    for i, (line, row) in enumerate(rows[1:]):
        if len(row) != len(header):
            raise DataError(f"{path}, line {line}: {len(row)} fields, but the header has {len(header)}")
        for j, cell in enumerate(row):
            try:
                values[i, j] = float(cell)
            except ValueError:
                raise DataError(f"{path}, line {line}, column {header[j]!r}: {cell!r} is not a number") from None
    if not np.all(np.isfinite(values)):
        line = rows[1 + int(np.argwhere(~np.isfinite(values))[0][0])][0]
        raise DataError(f"{path}, line {line}: NaN or infinite value")
    if target is None:
        return CSVData(values.T.copy(), None, header, None)
    t = header.index(target)
    Y = values[:, t]
    bad = ~np.isin(Y, (0.0, 1.0))
    if bad.any():
        line = rows[1 + int(np.argmax(bad))][0]
        raise DataError(f"{path}, line {line}: target {target!r} must be 0 or 1; got {Y[bad][0]:g}")
    features = [name for k, name in enumerate(header) if k != t]
    X = np.delete(values, t, axis=1).T.copy()
    return CSVData(X, Y.reshape(1, -1), features, target)


def _load_breast_cancer(seed: int | None = None):
    data = load_csv(DATA_DIR / "breast_cancer.csv", target="benign")
    return data.X, data.Y


DATASETS: dict[str, Callable] = {**GENERATORS, "breast_cancer": _load_breast_cancer}


def load_dataset(name: str, m: int | None = None, seed: int | None = 0):
    """A dataset by name: one of the generators (``m`` examples, ``seed``) or ``breast_cancer``."""
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
        raise ValueError(f"X must be (n_x, m) and Y (1, m) with the same m; got {X.shape} and {Y.shape}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1); got {test_fraction}")
    m = X.shape[1]
    n_test = int(round(m * test_fraction))
    if n_test < 1 or n_test >= m:
        raise ValueError(f"test_fraction {test_fraction} leaves no example on one side of m = {m}")
    order = np.random.default_rng(seed).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return X[:, train], Y[:, train], X[:, test], Y[:, test]
