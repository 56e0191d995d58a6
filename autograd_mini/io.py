"""Save and load parameters and models as ``.npz``, never with pickle.

A model file holds the parameters (W1, b1, … or w, b) plus ``layer_dims`` and ``activations``
(a plain string array), so ``load_model`` rebuilds the same model; it may also hold the names of
the features (the CSV header) and further numeric arrays (the CLI keeps the standardisation there).
Everything is read with ``allow_pickle=False``, and a model file is checked from the arrays'
headers before any array is read: ``layer_dims`` must be a 1-D array of positive integers that
agrees with every stored shape, so a tampered file cannot make the loader allocate gigabytes.
Files are written atomically (:mod:`autograd_mini.atomic`): a reader sees the old file or the new
one, never a part.

>>> import os, tempfile
>>> from autograd_mini import DeepNet
>>> net = DeepNet([2, 3, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "net.npz")
>>> save_model(net, path, feature_names=["x1", "x2"])
>>> again, extras = load_model(path, with_extras=True)
>>> again.layer_dims, bool((again.parameters["W1"].data == net.parameters["W1"].data).all()), extras
([2, 3, 1], True, {'feature_names': ['x1', 'x2']})
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from .atomic import atomic_open
from .nn import DeepNet, LogisticRegression
from .validate import ACTIVATIONS, MAX_NAME_CHARS, OUTPUT_ACTIVATIONS, check_memory, memory_limit

__all__ = ["save_parameters", "load_parameters", "save_model", "load_model"]

_META = ("__layer_dims__", "__activations__", "__kind__")
_NAMES = "__feature_names__"
_EXTRA = "__extra__"
#: Most layers a model file may describe (a sanity bound read before anything else).
_MAX_LAYERS = 1000
_HEADER_READERS = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}


def save_parameters(parameters: dict, path) -> None:
    """Write a dict of numpy arrays (or Tensors) to ``path`` as an uncompressed ``.npz``, atomically."""
    arrays = {}
    for name, value in parameters.items():
        array = np.asarray(getattr(value, "data", value))
        if array.dtype.kind not in "iuf":
            raise TypeError(f"parameter {name!r} must be numeric; got {array.dtype}")
        arrays[name] = array
    _write(arrays, path)


def _write(arrays: dict, path) -> None:
    with atomic_open(path, "wb") as f:  # a file object keeps numpy from appending ".npz" to the name
        np.savez(f, **arrays)


def _open_archive(path) -> zipfile.ZipFile:
    if not os.path.exists(path):
        raise FileNotFoundError(f"no parameter file at {path}")
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        raise ValueError(f"{path} holds a single array (.npy), not an .npz archive of named parameters")
    if not magic.startswith(b"PK"):
        raise ValueError(f"{path} is not a valid .npz parameter file (not a zip archive: corrupt or another format)")
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{path} is not a valid .npz parameter file (corrupt): {exc}") from None


def _headers(path, archive: zipfile.ZipFile) -> dict:
    """Each member's (dtype, shape) from its .npy header, without reading its data."""
    headers = {}
    try:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise ValueError(f"holds {info.filename!r}, which is not a .npy array")
            with archive.open(info) as f:
                version = np.lib.format.read_magic(f)
                if version not in _HEADER_READERS:
                    raise ValueError(f"{info.filename} has .npy format {version}, not 1.0 or 2.0")
                shape, fortran, dtype = _HEADER_READERS[version](f)
            if dtype.hasobject:
                raise ValueError("holds pickled objects, which are never loaded; it is not a parameter file")
            if info.filename[:-4] in headers:  # a zip may hold a name twice; a reader would take one of them
                raise ValueError(f"holds two arrays named {info.filename!r}; save_model writes each once")
            headers[info.filename[:-4]] = (dtype, shape)
    except ValueError as exc:
        if "pickled" in str(exc) or "two arrays" in str(exc):
            raise ValueError(f"{path} {exc}") from None
        raise ValueError(f"{path} is not a valid .npz parameter file (corrupt): {exc}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{path} is not a valid .npz parameter file (corrupt): {exc}") from None
    return headers


def _read(path, archive: zipfile.ZipFile, name: str) -> np.ndarray:
    try:
        with archive.open(name + ".npy") as f:
            return np.lib.format.read_array(f, allow_pickle=False)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ValueError(f"{path} is not a valid .npz parameter file ({name} is corrupt: {exc})") from None


def _check_total(path, headers: dict) -> None:
    need = sum(int(np.prod(shape, dtype=np.float64)) * dtype.itemsize for dtype, shape in headers.values())
    if need > memory_limit():
        raise ValueError(f"{path} declares arrays of {need:,} bytes in all, over the memory limit of "
                         f"{memory_limit():,} bytes: it is not a model this machine can load")


def load_parameters(path) -> dict:
    """The arrays stored in an ``.npz`` file, by name; a file that is not a valid ``.npz`` is a ValueError."""
    with _open_archive(path) as archive:
        headers = _headers(path, archive)
        _check_total(path, headers)
        return {name: _read(path, archive, name) for name in headers}


def save_model(model, path, extras: dict | None = None, feature_names=None) -> None:
    """The model's parameters with its architecture, so :func:`load_model` can rebuild it.

    ``extras``: further named numeric arrays to keep beside the model (the CLI keeps the feature
    standardisation there); ``feature_names``: the n_x names of the rows of X (a CSV's header),
    so that ``predict`` can match a CSV's columns by name. ``load_model(path, with_extras=True)``
    gives both back. The file is written atomically. A net's dropout is not kept (predictions use
    none); a batch-norm net is refused, as its running averages have no place in this format yet.
    """
    if getattr(model, "batch_norm", ()):
        raise ValueError(f"cannot save {model!r}: model files hold W[l], b[l] and the activations, not batch "
                         "normalization's γ[l], β[l] and running averages; keep its parameters with "
                         "save_parameters(model.get_parameters(), path)")
    arrays = {name: p.data for name, p in model.parameters.items()}
    for name, value in (extras or {}).items():
        array = np.asarray(value)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"extra array {name!r} must be numeric; got {array.dtype}")
        arrays[_EXTRA + name] = array
    if feature_names is not None:
        names = [str(n) for n in feature_names]
        if len(names) != model.n_x or len(set(names)) != len(names):
            raise ValueError(f"feature_names must be n_x = {model.n_x} distinct names; got {len(names)}")
        if any(len(n) > MAX_NAME_CHARS for n in names):
            raise ValueError(f"a feature name has at most {MAX_NAME_CHARS:,} characters; got one of "
                             f"{max(len(n) for n in names):,}")
        arrays[_NAMES] = np.array(names, dtype=str)
    arrays["__layer_dims__"] = np.array(model.layer_dims, dtype=np.int64)
    arrays["__activations__"] = np.array(model.activations, dtype=str)
    arrays["__kind__"] = np.array(type(model).__name__)
    _write(arrays, path)


def _expected_shapes(kind: str, layer_dims: list) -> dict:
    if kind == "LogisticRegression":
        return {"w": (layer_dims[0], 1), "b": (1, 1)}
    shapes = {}
    for l in range(1, len(layer_dims)):
        shapes[f"W{l}"] = (layer_dims[l], layer_dims[l - 1])
        shapes[f"b{l}"] = (layer_dims[l], 1)
    return shapes


def _check_array(path, name: str, array: np.ndarray, shape: tuple) -> np.ndarray:
    if array.dtype.kind != "f":
        raise ValueError(f"{path}: {name} must hold floating-point numbers; got {array.dtype}")
    if array.shape != shape:
        raise ValueError(f"{path}: {name} has shape {array.shape}; expected {shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{path}: {name} contains NaN or inf: the file is damaged or the training diverged")
    return array.astype(np.float64, copy=False)


def _check_weights(path, name: str, W: np.ndarray, b: np.ndarray) -> None:
    """Finite parameters can still overflow: where a unit's Σ_j |w_j| + |b| is beyond float64, its
    z = w·a_prev + b is inf or NaN for inputs of size 1. Such a file is refused at load, not left to
    predict NaN."""
    with np.errstate(over="ignore"):
        bounds = np.abs(W).sum(axis=1, keepdims=True) + np.abs(b)
    if not np.isfinite(bounds).all():
        raise ValueError(f"{path}: {name} holds weights as large as {np.abs(W).max():.3g} in magnitude: a unit's "
                         "Σ|w| + |b| overflows float64, so Z = W A_prev + b is inf or NaN even for inputs of size 1; "
                         "the file is damaged or its training diverged")


def _metadata(path, archive, headers) -> tuple:
    """kind, layer_dims and activations, each checked from its header before it is read."""
    missing = [key for key in _META if key not in headers]
    if missing:
        raise ValueError(f"{path} is not a model file: it lacks {', '.join(missing)} (was it written by save_model?)")
    for key, kinds, ndim in (("__kind__", "U", 0), ("__layer_dims__", "iu", 1), ("__activations__", "U", 1)):
        dtype, shape = headers[key]
        if dtype.kind not in kinds or len(shape) != ndim or (ndim and not 1 <= shape[0] <= _MAX_LAYERS) \
                or dtype.itemsize > 4 * 64:
            expected = {"__kind__": "one string", "__layer_dims__": "a 1-D array of positive integers",
                        "__activations__": "a 1-D array of names"}[key]
            raise ValueError(f"{path}: {key} must be {expected}; got {dtype} of shape {shape}")
    kind = str(_read(path, archive, "__kind__"))
    layer_dims = _read(path, archive, "__layer_dims__")
    if (layer_dims < 1).any():
        raise ValueError(f"{path}: __layer_dims__ = {layer_dims.tolist()} must hold positive layer sizes n[l]")
    layer_dims = [int(n) for n in layer_dims]
    activations = [str(a) for a in _read(path, archive, "__activations__")]
    if kind not in ("DeepNet", "LogisticRegression"):
        raise ValueError(f"{path} stores a model of unknown kind {kind[:40]!r}; expected DeepNet or LogisticRegression")
    if not activations or len(activations) != len(layer_dims) - 1 or not set(activations[:-1]) <= set(ACTIVATIONS) or \
            activations[-1] not in OUTPUT_ACTIVATIONS:
        raise ValueError(f"{path}: __activations__ must name one of {', '.join(ACTIVATIONS)} for each of the "
                         f"L = {len(layer_dims) - 1} layers (softmax also for the last); "
                         f"got {[a[:20] for a in activations[:10]]}")
    if kind == "LogisticRegression" and (len(layer_dims) != 2 or layer_dims[1] != 1 or activations != ["sigmoid"]):
        raise ValueError(f"{path}: a LogisticRegression has layer_dims [n_x, 1] and a sigmoid; got {layer_dims}")
    return kind, layer_dims, activations


def _extras(path, archive, headers, n_x: int) -> dict:
    extras = {}
    for key, (dtype, shape) in headers.items():
        if key == _NAMES:
            if dtype.kind != "U" or shape != (n_x,):
                raise ValueError(f"{path}: {_NAMES} must be n_x = {n_x} names; got {dtype} of shape {shape}")
            if dtype.itemsize > 4 * MAX_NAME_CHARS:  # numpy's str holds 4 bytes per character
                raise ValueError(f"{path}: {_NAMES} holds names of up to {dtype.itemsize // 4:,} characters; a "
                                 f"feature name has at most {MAX_NAME_CHARS:,}")
            names = [str(n) for n in _read(path, archive, key)]
            if len(set(names)) != n_x:
                raise ValueError(f"{path}: {_NAMES} names a feature more than once")
            extras["feature_names"] = names
        elif key.startswith(_EXTRA):
            name = key[len(_EXTRA):]
            if name in ("feature_mean", "feature_std"):
                value = _check_array(path, key, _read(path, archive, key), (n_x, 1))
                if name == "feature_std" and (value <= 0).any():
                    raise ValueError(f"{path}: {key} must be > 0 (it divides the features)")
            elif dtype.kind not in "iuf":
                raise ValueError(f"{path}: {key} must be numeric; got {dtype}")
            else:
                value = _read(path, archive, key)
            extras[name] = value
    return extras


def load_model(path, with_extras: bool = False):
    """Rebuild the DeepNet or LogisticRegression saved by :func:`save_model`.

    Every array is checked (dtype, the shape that ``layer_dims`` implies, finite, no unit whose
    Σ|w| + |b| overflows, no name twice) and the sizes against the memory limit before anything
    large is read or allocated; a file that is
    not such a model is a ValueError naming what is wrong. With ``with_extras=True`` return
    ``(model, extras)``: the extra arrays saved beside it, and ``"feature_names"`` (a list of
    str) when the file has them.
    """
    with _open_archive(path) as archive:
        headers = _headers(path, archive)
        kind, layer_dims, activations = _metadata(path, archive, headers)
        shapes = _expected_shapes(kind, layer_dims)
        unknown = sorted(k for k in headers if k not in shapes and k not in _META and k != _NAMES
                         and not k.startswith(_EXTRA))
        if unknown or set(shapes) - set(headers):
            raise ValueError(f"{path}: expected the parameters {sorted(shapes)} for layer_dims = {layer_dims}; "
                             f"got {sorted(k for k in headers if k in shapes or k in unknown)}")
        for name, shape in shapes.items():
            if tuple(headers[name][1]) != shape:
                raise ValueError(f"{path}: {name} has shape {headers[name][1]}, but layer_dims = {layer_dims} "
                                 f"needs {shape}")
        check_memory(layer_dims)
        _check_total(path, headers)
        parameters = {name: _check_array(path, name, _read(path, archive, name), shape)
                      for name, shape in shapes.items()}
        for name, W in parameters.items():
            if name[0] in "Ww":  # w (n_x, 1) is the notes' column, z = wᵀx + b; W[l] is (n[l], n[l-1]) with b[l]
                _check_weights(path, name, W.T if name == "w" else W, parameters["b" + name[1:]])
        extras = _extras(path, archive, headers, layer_dims[0])
    if kind == "LogisticRegression":
        model = LogisticRegression(layer_dims[0])
    else:
        model = DeepNet(layer_dims, activations)
    model.set_parameters(parameters)
    return (model, extras) if with_extras else model
