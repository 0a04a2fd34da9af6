"""The model surfaces and their data: torch autograd (golden), central differences, closed forms.

tests/golden/models.json comes from scripts/make_golden_models.py (torch 2.13.0, float64):
the losses as the issue writes them, their autograd gradients and Hessians, the row indices
torch's DataLoader yields, and torch.optim steps on mini-batches.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from surfaces import data, models
from surfaces.critical import critical_points
from surfaces.data import Batching, DataError

GOLDEN = json.loads((Path(__file__).parent / "golden" / "models.json").read_text())


def _surface(case):
    rows = data.check(case["data"]["x"], case["data"]["y"], case["model"])
    return models.model_surface(case["model"], rows, case["l2"])


@pytest.mark.parametrize("case", GOLDEN["surfaces"], ids=lambda c: f"{c['model']}-l2={c['l2']}")
def test_value_gradient_hessian_match_torch_autograd(case):
    surface = _surface(case)
    p = np.array([e["point"][0] for e in case["points"]])
    q = np.array([e["point"][1] for e in case["points"]])
    want_value = np.array([e["value"] for e in case["points"]])
    want_grad = np.array([e["grad"] for e in case["points"]])
    want_hess = np.array([[e["hessian"][0][0], e["hessian"][0][1], e["hessian"][1][1]]
                          for e in case["points"]])
    np.testing.assert_allclose(surface.value(p, q), want_value, rtol=1e-12)
    np.testing.assert_allclose(np.stack(surface.grad(p, q), axis=1), want_grad, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(np.stack(surface.hessian(p, q), axis=1), want_hess, rtol=1e-10,
                               atol=1e-13)
    # every point at once or one at a time, and in any array shape: the same numbers
    one = np.array([surface.value(a, b) for a, b in zip(p, q)])
    np.testing.assert_allclose(one, want_value, rtol=1e-12)
    assert surface.value(p.reshape(2, 3), q.reshape(2, 3)).shape == (2, 3)


@pytest.mark.parametrize("model", data.MODELS)
def test_derivatives_match_central_differences(model):
    spec = models.ModelSpec(model, data.Generated(**data.GENERATE_DEFAULTS[model]), l2=0.02)
    s = models.build(spec)
    rng = np.random.default_rng(7)
    (x0, x1), (y0, y1) = s.window
    p, q = rng.uniform(x0, x1, 20) / 2, rng.uniform(y0, y1, 20) / 2
    h = 1e-5
    gx, gy = s.grad(p, q)
    np.testing.assert_allclose(gx, (s.value(p + h, q) - s.value(p - h, q)) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gy, (s.value(p, q + h) - s.value(p, q - h)) / (2 * h), rtol=1e-6, atol=1e-8)
    hxx, hxy, hyy = s.hessian(p, q)
    np.testing.assert_allclose(hxx, (s.grad(p + h, q)[0] - s.grad(p - h, q)[0]) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hxy, (s.grad(p, q + h)[0] - s.grad(p, q - h)[0]) / (2 * h), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(hyy, (s.grad(p, q + h)[1] - s.grad(p, q - h)[1]) / (2 * h), rtol=1e-6, atol=1e-8)


def test_chunks_keep_memory_bounded_and_give_the_same_numbers(monkeypatch):
    s = models.build(models.ModelSpec("tanh_unit", data.Generated(300, 0.1, 1, (1.0, 2.0))))
    p, q = np.linspace(-2, 2, 50), np.linspace(-3, 3, 50)
    whole = s.value(p, q), s.grad(p, q), s.hessian(p, q)
    monkeypatch.setattr(models, "CHUNK", 700)    # two points per chunk
    s2 = models.model_surface("tanh_unit", data.generate("tanh_unit", 300, 0.1, 1, (1.0, 2.0)))
    np.testing.assert_array_equal(s2.value(p, q), whole[0])
    np.testing.assert_allclose(np.stack(s2.grad(p, q)), np.stack(whole[1]), rtol=1e-14)
    np.testing.assert_allclose(np.stack(s2.hessian(p, q)), np.stack(whole[2]), rtol=1e-14)


def test_linear_minimum_is_the_least_squares_solution():
    rows = data.generate("linear", 80, 0.4, 3, (1.5, 0.5))
    x, y = rows.arrays()
    want, *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
    s = models.model_surface("linear", rows)
    np.testing.assert_allclose(s.minima[0], want, rtol=1e-12)
    residual = want[0] * x + want[1] - y
    assert s.min_value == pytest.approx(np.mean(residual**2), rel=1e-12)
    # with λ: (XᵀX/n·2 + λI) θ = 2Xᵀy/n, i.e. ridge regression on (w, b)
    s2 = models.model_surface("linear", rows, 0.5)
    A = np.stack([x, np.ones_like(x)], axis=1)
    ridge = np.linalg.solve(2 * A.T @ A / len(x) + 0.5 * np.eye(2), 2 * A.T @ y / len(x))
    np.testing.assert_allclose(s2.minima[0], ridge, rtol=1e-12)


def test_logistic_minimum_has_zero_gradient_and_separable_data_has_none():
    s = models.build(models.ModelSpec("logistic", data.Named("two_clouds")))
    assert len(s.minima) == 1
    assert np.hypot(*s.grad(*s.minima[0])) < 1e-12
    separable = data.generate("logistic", 40, 0.0, 0, (1.0, 1.0))
    assert models.model_surface("logistic", separable).minima == ()
    assert len(models.model_surface("logistic", separable, 0.1).minima) == 1


def test_tanh_unit_has_a_saddle_at_the_origin_and_mirror_minima():
    s = models.build(models.ModelSpec("tanh_unit", data.Generated(**data.GENERATE_DEFAULTS["tanh_unit"])))
    x, y = s.inputs, s.targets
    # at (0, 0): ∇L = 0 and H = [[0, −2·mean xy], [−2·mean xy, 0]] (by hand)
    assert s.grad(0.0, 0.0) == (0.0, 0.0)
    np.testing.assert_allclose(s.hessian(0.0, 0.0), (0.0, -2 * np.mean(x * y), 0.0), atol=1e-15)
    (a, w), (a2, w2) = s.minima
    assert (a2, w2) == (-a, -w) and s.value(a, w) == pytest.approx(s.value(-a, -w), rel=1e-14)
    points = critical_points(s)
    kinds = {p.kind for p in points}
    assert {"saddle", "minimum"} <= kinds
    saddle = [p for p in points if p.kind == "saddle" and abs(p.x) < 1e-6 and abs(p.y) < 1e-6]
    assert saddle
    lowest = min((p for p in points if p.kind == "minimum"), key=lambda p: p.value)
    assert lowest.value == pytest.approx(s.min_value, rel=1e-9)


def test_window_holds_the_minima_and_the_start():
    for name in data.SHIPPED:
        for model in data.SHIPPED[name].models:
            s = models.build(models.ModelSpec(model, data.Named(name)))
            (x0, x1), (y0, y1) = s.window
            for mx, my in s.minima + (s.start,):
                assert x0 < mx < x1 and y0 < my < y1


def test_on_rows_is_the_loss_of_those_rows():
    s = models.build(models.ModelSpec("logistic", data.Named("two_clouds")))
    rows = np.array([3, 17, 42])
    sub = s.on_rows(rows)
    x, y = s.inputs[rows], s.targets[rows]
    p, q = 0.4, -1.1
    want = np.mean(np.log1p(np.exp(-y * (p * x[:, 0] + q * x[:, 1]))))
    assert float(sub.value(p, q)) == pytest.approx(want, rel=1e-14)
    assert sub.n == 3 and s.n == 80


# --- data ----------------------------------------------------------------------------------

@pytest.mark.parametrize("case", GOLDEN["batches"],
                         ids=lambda c: f"n{c['n']}-b{c['size']}-s{c['seed']}-{c['shuffle']}-{c['drop_last']}")
def test_batches_are_the_ones_torch_dataloader_yields(case):
    batching = Batching(case["size"], case["shuffle"], case["seed"], case["drop_last"])
    got = data.loader_batches(case["n"], batching, len(case["batches"]))
    assert [b.tolist() for b in got] == case["batches"]


def test_drop_last_with_too_large_a_batch_is_an_error():
    with pytest.raises(DataError, match="no batch at all"):
        data.loader_batches(5, Batching(8, drop_last=True), 3)


def test_generator_is_the_documented_draw():
    rows = data.generate("linear", 5, 0.5, 9, (1.5, 0.5))
    rng = np.random.default_rng(9)
    x = rng.uniform(-2, 2, 5)
    y = 1.5 * x + 0.5 + 0.5 * rng.standard_normal(5)
    assert rows.x == tuple(x.tolist()) and rows.y == tuple(y.tolist())
    labels = data.generate("logistic", 50, 1.0, 0, (1.5, -1.0)).y
    assert set(labels) == {-1.0, 1.0}


def test_shipped_datasets_read_and_carry_their_licence():
    for name, info in data.SHIPPED.items():
        rows = data.shipped(name, info.models[0])
        assert rows.n >= 20 and "CC0" in info.licence
        assert name in (data.DATASETS_DIR / "README.md").read_text()
    with pytest.raises(DataError, match="is for logistic, not linear"):
        data.shipped("two_clouds", "linear")
    with pytest.raises(DataError, match="unknown dataset 'iris'"):
        data.shipped("iris", "linear")


@pytest.mark.parametrize("text, model, message", [
    ("a,b\n1,2\n", "linear", "columns: no column 'x'; a linear dataset needs x, y (found: a, b)"),
    ("x,y\n1,2\n3,abc\n", "linear", "row 2, column 'y': 'abc' is not a number"),
    ("x,y\n1,nan\n", "linear", "row 1, column 'y': nan is not allowed"),
    ("x,y\n1,\n", "linear", "row 1, column 'y': empty"),
    ("x1,x2,y\n1,2,1\n1,2,0\n", "logistic", "row 2, column 'y': a label must be -1 or 1, got 0"),
    ("", "linear", "file: empty"),
    ("x,y\n" + "1,2\n" * 10_001, "linear", "rows: 10,001 rows, more than the 10,000 allowed"),
    (b"x,y\n\xff\xfe,1\n", "linear", "file: not UTF-8"),
])
def test_bad_csv_gives_a_clear_error(text, model, message):
    with pytest.raises(DataError) as err:
        data.parse_csv(text, model)
    assert str(err.value).startswith(message), str(err.value)


def test_csv_reads_named_columns_in_any_order():
    rows = data.parse_csv("y,extra,x\n1.5,a,2\n-1,b,0.5\n", "linear")
    assert rows.x == (2.0, 0.5) and rows.y == (1.5, -1.0)
    rows = data.parse_csv(b"\xef\xbb\xbfx1,x2,y\n1,2,1\n-1,0,-1\n", "logistic")
    assert rows.x == ((1.0, 2.0), (-1.0, 0.0)) and rows.y == (1.0, -1.0)
