"""Parameters and models as .npz, without pickle."""
import numpy as np
import pytest

from autograd_mini import DeepNet, LogisticRegression, load_model, load_parameters, save_model, save_parameters


def test_parameters_round_trip(tmp_path):
    net = DeepNet([4, 3, 1], initialization="he", seed=2)
    path = tmp_path / "params.npz"
    save_parameters(net.parameters, path)
    loaded = load_parameters(path)
    assert list(loaded) == ["W1", "b1", "W2", "b2"]
    for name, p in net.parameters.items():
        np.testing.assert_array_equal(loaded[name], p.data)
    other = DeepNet([4, 3, 1], seed=9)
    other.set_parameters(loaded)
    X = np.random.default_rng(0).standard_normal((4, 5))
    np.testing.assert_array_equal(other.predict_proba(X), net.predict_proba(X))


@pytest.mark.parametrize("model", [DeepNet([3, 5, 2, 1], ["tanh", "leaky_relu", "sigmoid"], seed=1),
                                   LogisticRegression(3, initialization="small_random", seed=1)])
def test_model_round_trip(tmp_path, model):
    path = tmp_path / "model.npz"
    save_model(model, path)
    again = load_model(path)
    assert type(again) is type(model)
    assert again.layer_dims == model.layer_dims and again.activations == model.activations
    for name, p in model.parameters.items():
        np.testing.assert_array_equal(again.parameters[name].data, p.data)


def test_extras_are_kept_beside_the_model(tmp_path):
    net = DeepNet([2, 3, 1], seed=0)
    path = tmp_path / "model.npz"
    mean = np.array([[1.5], [-2.0]])
    save_model(net, path, extras={"feature_mean": mean})
    again, extras = load_model(path, with_extras=True)
    np.testing.assert_array_equal(extras["feature_mean"], mean)
    assert set(again.parameters) == {"W1", "b1", "W2", "b2"}
    with pytest.raises(TypeError, match="numeric"):
        save_model(net, path, extras={"names": np.array(["a"])})


def test_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "params.npz"
    save_parameters(DeepNet([2, 1]).parameters, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a valid .npz"):
        load_parameters(path)
    path.write_bytes(b"this is not an archive at all")
    with pytest.raises(ValueError, match="not a valid .npz"):
        load_parameters(path)


def test_wrong_files_are_clear_errors(tmp_path):
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, W1=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled objects"):
        load_parameters(pickled)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(ValueError, match="single array"):
        load_parameters(single)
    with pytest.raises(FileNotFoundError, match="no parameter file"):
        load_parameters(tmp_path / "missing.npz")
    params_only = tmp_path / "params.npz"
    save_parameters(DeepNet([2, 1]).parameters, params_only)
    with pytest.raises(ValueError, match="not a model file.*save_model"):
        load_model(params_only)
    with pytest.raises(ValueError, match=r"expected parameters \['W1', 'W2', 'b1', 'b2'\]"):
        DeepNet([2, 2, 1]).set_parameters(load_parameters(params_only))
    wrong_shape = {"W1": np.zeros((1, 3)), "b1": np.zeros((1, 1))}
    with pytest.raises(ValueError, match=r"W1 has shape \(1, 3\); this model needs \(1, 2\)"):
        DeepNet([2, 1]).set_parameters(wrong_shape)
