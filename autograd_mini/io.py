"""Save and load parameters and models as ``.npz``, never with pickle.

A model file holds the parameters (W1, b1, … or w, b) plus ``layer_dims`` and ``activations``
(a plain string array), so ``load_model`` rebuilds the same model; everything is read with
``allow_pickle=False``.

>>> import os, tempfile
>>> from autograd_mini import DeepNet
>>> net = DeepNet([2, 3, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "net.npz")
>>> save_model(net, path)
>>> again = load_model(path)
>>> again.layer_dims, bool((again.parameters["W1"].data == net.parameters["W1"].data).all())
([2, 3, 1], True)
"""

from __future__ import annotations

import os
import zipfile

import numpy as np

from .nn import DeepNet, LogisticRegression

__all__ = ["save_parameters", "load_parameters", "save_model", "load_model"]

_META = ("__layer_dims__", "__activations__", "__kind__")


def save_parameters(parameters: dict, path) -> None:
    """Write a dict of numpy arrays (or Tensors) to ``path`` as an uncompressed ``.npz``."""
    arrays = {}
    for name, value in parameters.items():
        array = np.asarray(getattr(value, "data", value))
        if array.dtype.kind not in "iuf":
            raise TypeError(f"parameter {name!r} must be numeric; got {array.dtype}")
        arrays[name] = array
    _write(arrays, path)


def _write(arrays: dict, path) -> None:
    with open(path, "wb") as f:  # a file object keeps numpy from appending ".npz" to the name
        np.savez(f, **arrays)


def load_parameters(path) -> dict:
    """The arrays stored in an ``.npz`` file, by name; a file that is not a valid ``.npz`` is a ValueError."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"no parameter file at {path}")
    with open(path, "rb") as f:
        magic = f.read(6)
    if magic == b"\x93NUMPY":
        raise ValueError(f"{path} holds a single array (.npy), not an .npz archive of named parameters")
    if not magic.startswith(b"PK"):
        raise ValueError(f"{path} is not a valid .npz parameter file (not a zip archive: corrupt or another format)")
    try:
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in data.files}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        if "pickle" in str(exc):
            raise ValueError(f"{path} holds pickled objects, which are never loaded; it is not a parameter file") from None
        raise ValueError(f"{path} is not a valid .npz parameter file (corrupt): {exc}") from None


_EXTRA = "__extra__"


def save_model(model, path, extras: dict | None = None) -> None:
    """The model's parameters with its architecture, so :func:`load_model` can rebuild it.

    ``extras``: further named arrays to keep beside the model (the CLI keeps the feature
    standardisation there); ``load_model(path, with_extras=True)`` gives them back.
    """
    arrays = {name: p.data for name, p in model.parameters.items()}
    for name, value in (extras or {}).items():
        array = np.asarray(value)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"extra array {name!r} must be numeric; got {array.dtype}")
        arrays[_EXTRA + name] = array
    arrays["__layer_dims__"] = np.array(model.layer_dims, dtype=np.int64)
    arrays["__activations__"] = np.array(model.activations, dtype=str)
    arrays["__kind__"] = np.array(type(model).__name__)
    _write(arrays, path)


def load_model(path, with_extras: bool = False):
    """Rebuild the DeepNet or LogisticRegression saved by :func:`save_model`.

    With ``with_extras=True`` return ``(model, extras)``, the extra arrays saved beside it.
    """
    data = load_parameters(path)
    extras = {key[len(_EXTRA):]: data.pop(key) for key in list(data) if key.startswith(_EXTRA)}
    missing = [key for key in _META if key not in data]
    if missing:
        raise ValueError(f"{path} is not a model file: it lacks {', '.join(missing)} (was it written by save_model?)")
    kind = str(data.pop("__kind__"))
    layer_dims = [int(n) for n in data.pop("__layer_dims__")]
    activations = [str(a) for a in data.pop("__activations__")]
    if kind == "LogisticRegression":
        model = LogisticRegression(layer_dims[0])
    elif kind == "DeepNet":
        model = DeepNet(layer_dims, activations)
    else:
        raise ValueError(f"{path} stores a model of unknown kind {kind!r}; expected DeepNet or LogisticRegression")
    model.set_parameters(data)
    return (model, extras) if with_extras else model
