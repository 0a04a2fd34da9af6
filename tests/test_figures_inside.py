"""figures.inside: the arrows of one update, the effective-lr ellipse, critical points, sweep cells.

Expected numbers are worked by hand on f = x²/20 + y² (∇f = (x/10, 2y)) from (−7, 2), where
g0 = (−0.7, 4): SGD(lr=0.1, momentum=0.9)'s first update is −0.1·g0 = (0.07, −0.4) and its
buffer b = g0; Adam(lr=0.3)'s first update is −lr·sign(g0) = (0.3, −0.3), m = 0.1·g0 and
η = lr/(|g0| + eps).
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import optimizers
from gradscape import presets
import surfaces
from gradscape.experiment import load, simulate
from gradscape.figures.inside import (arrow_scale, clickable_sweep_figure, critical_figure, ellipse_axes,
                            inside_figure, step_vectors)
from optimizers.grids import Axis, sweep
from optimizers.stepwise import trace
from surfaces.critical import critical_points

G0 = np.array([-0.7, 4.0])
WINDOW = ((-10.0, 10.0), (-5.0, 5.0))        # the elliptic surface's window: diagonal √500


@pytest.fixture(scope="module")
def textbook():
    result = simulate(presets.get("textbook"))
    traces = {}
    for i, line in enumerate(result.config.lines):
        traces[i] = trace(result.surface, optimizers.make(line.optimizer.name, dict(line.optimizer.params)),
                          result.start, result.config.steps)
    return result, traces


def arrows(fig) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    """vector name -> (tail, tip, scale) of the figure's arrow traces."""
    out = {}
    for t in fig.data:
        meta = t.meta or {}
        if isinstance(meta, dict) and "vector" in meta:
            out[meta["vector"]] = (np.array([t.x[0], t.y[0]]), np.array([t.x[1], t.y[1]]), meta["scale"])
    return out


def test_momentum_first_update_arrows_at_true_scale(textbook):
    result, traces = textbook
    fig = inside_figure(result, 1, traces[1], 1, scale=1.0)
    drawn = arrows(fig)
    assert set(drawn) == {"gradient", "update", "momentum"}
    for tail, _, scale in drawn.values():
        assert tail == pytest.approx([-7.0, 2.0]) and scale == 1.0
    assert drawn["gradient"][1] == pytest.approx([-7 + 0.07, 2 - 0.4])    # −lr·g0
    assert drawn["update"][1] == pytest.approx([-7 + 0.07, 2 - 0.4])      # first step: plain SGD
    assert drawn["momentum"][1] == pytest.approx([-7 + 0.07, 2 - 0.4])    # −lr·b, b = g0


def test_adam_arrows_and_ellipse_follow_the_trace(textbook):
    result, traces = textbook
    tr = traces[3]
    vectors = step_vectors(tr, 1)
    assert vectors["update"] == pytest.approx([0.3, -0.3], rel=1e-6)
    assert vectors["gradient"] == pytest.approx(-0.3 * G0)
    assert vectors["momentum"] == pytest.approx(-0.3 * 0.1 * G0)           # m = (1 − β1)·g0
    assert ellipse_axes(tr, 1) == pytest.approx(0.3 / np.abs(G0) * math.hypot(*G0), rel=1e-6)
    fig = inside_figure(result, 3, tr, 1, scale=2.0)
    for name, (tail, tip, scale) in arrows(fig).items():
        assert scale == 2.0
        assert tip == pytest.approx(tail + 2.0 * vectors[name])
    ellipse = next(t for t in fig.data if (t.name or "").startswith("effective lr"))
    x, y = np.asarray(ellipse.x), np.asarray(ellipse.y)
    a, b = 2.0 * ellipse_axes(tr, 1)
    assert x.max() - x.min() == pytest.approx(2 * a) and y.max() - y.min() == pytest.approx(2 * b, rel=1e-3)
    assert ((x + 7) / a) ** 2 + ((y - 2) / b) ** 2 == pytest.approx(np.ones_like(x))


def test_a_later_step_starts_at_the_previous_point(textbook):
    result, traces = textbook
    tr = traces[0]
    drawn = arrows(inside_figure(result, 0, tr, 5, scale=1.0))
    tail, tip, _ = drawn["update"]
    assert tail == pytest.approx(result.runs[0].points[4])
    assert tip == pytest.approx(result.runs[0].points[5])     # at scale 1 the update ends on the path
    assert "momentum" not in drawn                                # plain SGD keeps none


def test_the_path_is_drawn_up_to_the_step_and_the_arrows_named(textbook):
    result, traces = textbook
    fig = inside_figure(result, 3, traces[3], 4)
    path = next(t for t in fig.data if t.name == "Adam")
    assert len(path.x) == 5
    assert any("update Δθ" in (t.name or "") for t in fig.data)


def test_auto_scale_magnifies_small_vectors_by_one_two_five():
    diagonal = math.hypot(20, 10)
    assert arrow_scale([0.2 * diagonal], WINDOW) == 1.0                # 10–50 %: as is
    assert arrow_scale([1.74], WINDOW) == 2.0                         # 0.25·√500/1.74 = 3.2
    assert arrow_scale([1e-3], WINDOW) == 5000.0                      # 5590 → 5·10³
    assert arrow_scale([100.0], WINDOW) == 0.05                       # 0.056 → 5·10⁻²
    assert arrow_scale([0.0, math.nan], WINDOW) == 1.0                # nothing to draw


def test_bad_steps_and_scales_are_refused(textbook):
    result, traces = textbook
    for step in (0, 31, 1.5, True):
        with pytest.raises(ValueError, match="step must be"):
            inside_figure(result, 0, traces[0], step)
    with pytest.raises(ValueError, match="scale"):
        inside_figure(result, 0, traces[0], 1, scale=-1.0)


def test_critical_points_of_himmelblau_are_marked_by_kind():
    result = simulate(presets.get("himmelblau"))
    points = critical_points(result.surface)
    fig = critical_figure(result, points, chosen=None)
    marked = {t.meta["kind"]: t for t in fig.data if isinstance(t.meta, dict) and "kind" in t.meta}
    assert {k: len(t.x) for k, t in marked.items()} == {"minimum": 4, "maximum": 1, "saddle": 4}
    # Himmelblau's published minimum (3, 2) is among the marked minima
    assert min(math.hypot(x - 3, y - 2) for x, y in zip(marked["minimum"].x, marked["minimum"].y)) < 1e-6
    # customdata indexes the list the markers came from
    for t in marked.values():
        for i, x, y in zip(t.customdata, t.x, t.y):
            assert (points[i].x, points[i].y) == (x, y)


def test_the_chosen_points_eigenvectors_are_drawn():
    result = simulate(load({"surface": "saddle", "steps": 1, "optimizers": [{"name": "SGD"}]}))
    points = critical_points(result.surface)           # x² − y²: one saddle at 0, H = diag(2, −2)
    assert [p.kind for p in points] == ["saddle"]
    fig = critical_figure(result, points, chosen=0)
    segments = {round(t.meta["eigenvalue"]): t for t in fig.data
                if isinstance(t.meta, dict) and "eigenvalue" in t.meta}
    assert set(segments) == {-2, 2}
    down, up = segments[-2], segments[2]
    assert np.ptp(np.asarray(down.x)) == pytest.approx(0, abs=1e-9)   # λ = −2 along y
    assert np.ptp(np.asarray(up.y)) == pytest.approx(0, abs=1e-9)      # λ = 2 along x
    with pytest.raises(ValueError, match="chosen"):
        critical_figure(result, points, chosen=1)


def test_sweep_cells_sit_on_the_exact_hyperparameter_values():
    surface = surfaces.get("elliptic")
    x, y = Axis.spaced("lr", 1e-3, 1.0, 4, log=True), Axis.spaced("momentum", 0.0, 0.9, 3)
    result = sweep(surface, optimizers.make("SGD"), x, y, 5, start=(-7, 2))
    fig = clickable_sweep_figure(result)
    cells = [t for t in fig.data if t.name == "cells"]
    panels = len(fig.layout.annotations)        # the steps panel only if a setting converged
    assert [c.xaxis for c in cells] == ["x", "x2"][:panels]
    assert list(cells[0].x) == [1e-3, 1e-2, 1e-1, 1.0] * 3
    assert list(cells[0].y) == [0.0] * 4 + [0.45] * 4 + [0.9] * 4


def test_the_inside_figure_marks_the_extras_of_wrappers_and_lbfgs():
    """Lookahead's slow weights, SAM's perturbed point and LBFGS's evaluations, at the points
    the trace holds (unscaled)."""
    from gradscape.experiment import load, simulate
    from gradscape.figures.inside import inside_figure
    from optimizers.stepwise import trace
    config = load({"surface": "himmelblau", "start": [0.5, -0.5], "steps": 4, "optimizers": [
        {"name": "SAM", "params": {"rho": 0.2, "optimizer": {"name": "SGD", "params": {"lr": 0.01}}}},
        {"name": "LBFGS", "params": {"line_search_fn": "strong_wolfe"}}]})
    result = simulate(config)
    for i, name in enumerate(["perturbed point", "evaluations"]):
        tr = trace(result.surface, config.lines[i].build()[0], result.start, 4)
        fig = inside_figure(result, i, tr, 1)
        marks = [t for t in fig.data if (t.meta or {}).get("extra") == name]
        assert len(marks) == 1
        expected = tr.extras[name][0]
        expected = expected[np.isfinite(expected[:, 0])]
        np.testing.assert_array_equal(np.column_stack([marks[0].x, marks[0].y]), expected)
