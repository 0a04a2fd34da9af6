"""Basin maps and hyperparameter sweeps (optimizers/grids.py), their figures and commands.

Expected numbers come from closed forms (SGD on x²/20 + y² multiplies x by 1 − lr/10 and y by
1 − 2·lr per step), Himmelblau's published minima and maximum, and separate single runs.
"""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import surfaces
from optimizers import make, make_scheduler
from optimizers.grids import Axis, basin, parse_axis, sweep, sweepable
from optimizers.runner import run

ROOT = Path(__file__).resolve().parents[1]
ELLIPTIC, HIMMELBLAU = surfaces.get("elliptic"), surfaces.get("himmelblau")
# Himmelblau's four minima (f = 0) and its local maximum f = 181.617 (published values).
HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
HIMMELBLAU_MAXIMUM = (-0.270845, -0.923039)


def listed_index(point):
    """Index in surface.minima of the published minimum ``point``."""
    d = [np.hypot(mx - point[0], my - point[1]) for mx, my in HIMMELBLAU.minima]
    assert min(d) < 1e-5
    return int(np.argmin(d))


# --- basin ---------------------------------------------------------------------------------

def test_starts_next_to_each_minimum_reach_it_and_newton_climbs_to_the_maximum():
    for name, params in (("Adam", {"lr": 0.05}), ("SGD", {"lr": 0.005}), ("Newton", {})):
        b = basin(HIMMELBLAU, make(name, params), 400, resolution=41)   # spacing 0.25
        assert b.final_loss.shape == b.converged_step.shape == b.minimum_index.shape == (41, 41)
        assert b.final_point.shape == (41, 41, 2) and b.x.shape == b.y.shape == (41,)
        for point in HIMMELBLAU_MINIMA:
            j, i = np.argmin(np.abs(b.x - point[0])), np.argmin(np.abs(b.y - point[1]))
            assert b.minimum_index[i, j] == listed_index(point), (name, point)
            assert b.converged_step[i, j] >= 0 and not b.diverged[i, j]
    # Newton seeks ∇f = 0: the start nearest the maximum goes to the maximum, which is no minimum.
    j, i = np.argmin(np.abs(b.x - HIMMELBLAU_MAXIMUM[0])), np.argmin(np.abs(b.y - HIMMELBLAU_MAXIMUM[1]))
    np.testing.assert_allclose(b.final_point[i, j], HIMMELBLAU_MAXIMUM, atol=1e-6)
    assert b.minimum_index[i, j] == -1 and b.converged_step[i, j] >= 0


def test_grid_orientation_row_i_is_y_i():
    b = basin(HIMMELBLAU, make("SGD", {"lr": 0.0}), 3, resolution=4, window=((0, 3), (10, 13)))
    np.testing.assert_array_equal(b.x, [0, 1, 2, 3])
    np.testing.assert_array_equal(b.y, [10, 11, 12, 13])
    for i in range(4):
        for j in range(4):      # lr = 0: nothing moves
            np.testing.assert_array_equal(b.final_point[i, j], [j, 10 + i])
            x, y = j, 10 + i
            assert b.final_loss[i, j] == pytest.approx((x * x + y - 11) ** 2 + (x + y * y - 7) ** 2)


def test_sgd_converged_step_equals_the_closed_form():
    lr, gtol, steps, n = 0.6, 1e-3, 400, 15
    b = basin(ELLIPTIC, make("SGD", {"lr": lr}), steps, resolution=n, gtol=gtol)
    k = np.arange(steps + 1)
    for i, y0 in enumerate(b.y):
        for j, x0 in enumerate(b.x):
            xs, ys = x0 * (1 - lr / 10) ** k, y0 * (1 - 2 * lr) ** k
            hit = np.hypot(xs / 10, 2 * ys) <= gtol
            expected = int(np.argmax(hit)) if hit.any() else -1
            assert b.converged_step[i, j] == expected, (x0, y0)
            np.testing.assert_allclose(b.final_point[i, j], [xs[-1], ys[-1]], rtol=1e-11, atol=1e-300)
    assert (b.converged_step >= 0).all() and (b.minimum_index == 0).all()
    # fewer steps: the runs from far out have not arrived (nor come within 1% of the diagonal)
    b = basin(ELLIPTIC, make("SGD", {"lr": lr}), 10, resolution=n, gtol=gtol)
    assert b.minimum_index[0, 0] == -1 and b.converged_step[0, 0] == -1
    assert b.minimum_index[n // 2, n // 2] == 0 and b.converged_step[n // 2, n // 2] == 0


def test_diverged_runs_reach_no_minimum():
    # lr = 1.5: y ← −2y each step, so every start with y ≠ 0 diverges; y = 0 (the middle row) does not.
    b = basin(ELLIPTIC, make("SGD", {"lr": 1.5}), 1200, resolution=5)
    assert b.y[2] == 0
    expected = np.ones((5, 5), dtype=bool)
    expected[2] = False
    np.testing.assert_array_equal(b.diverged, expected)
    assert (b.minimum_index[expected] == -1).all() and (b.minimum_index[2] == 0).all()
    assert np.isfinite(b.final_loss).all()          # the last finite loss, not NaN


def test_basin_json_has_the_documented_keys_and_nulls():
    undefined = surfaces.from_formula("log(x) + y^2", window=((-1, 1), (-1, 1)))
    b = basin(undefined, make("SGD", {"lr": 0.01}), 5, resolution=4)
    data = json.loads(json.dumps(b.to_dict(), allow_nan=False))
    assert set(data) == {"x", "y", "final_loss", "final_point", "converged_step", "minimum_index"}
    # x < 0: log(x) is undefined at the start itself (diverged at 0): no loss and no point
    assert data["final_loss"][0][0] is None and data["final_point"][0][0] == [None, None]
    assert all(isinstance(v, float) for v in data["final_loss"][0][2:])
    assert data["minimum_index"] == [[None] * 4] * 4       # a formula lists no minima
    assert data["converged_step"] == [[None] * 4] * 4


def test_basin_arguments_are_checked():
    opt = make("Adam")
    for bad in (1, 401, 2.5, True):
        with pytest.raises(ValueError, match="resolution must be an integer from 2 to 400"):
            basin(ELLIPTIC, opt, 5, resolution=bad)
    with pytest.raises(ValueError, match="single values"):
        basin(ELLIPTIC, make("SGD", {"lr": np.array([0.1, 0.2])}), 5, resolution=3)
    with pytest.raises(ValueError, match="tol"):
        basin(ELLIPTIC, opt, 5, resolution=3, tol=0.0)
    with pytest.raises(ValueError, match="window"):
        basin(ELLIPTIC, opt, 5, resolution=3, window=((1, 0), (0, 1)))


# --- sweep ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name,base,x,y", [
    ("SGD", {"lr": 0.01}, Axis.spaced("lr", 1e-3, 3e-2, 4, log=True), Axis.spaced("momentum", 0, 0.9, 3)),
    ("Adam", {"lr": 0.05, "betas": (0.9, 0.99)}, Axis.spaced("lr", 0.01, 0.1, 3),
     Axis.spaced("betas[0]", 0.0, 0.95, 4)),
    ("RMSprop", {"lr": 0.01}, Axis.spaced("alpha", 0.5, 0.99, 3),
     Axis.spaced("eps", 1e-8, 1e-2, 2, log=True)),
    ("Newton", {}, Axis.spaced("damping", 0.0, 10.0, 3), Axis.spaced("lr", 0.1, 1.0, 2)),
])
def test_sweep_entries_equal_separate_runs(name, base, x, y):
    scheduler = make_scheduler("StepLR", {"step_size": 20, "gamma": 0.5})
    s = sweep(HIMMELBLAU, make(name, base), x, y, 60, start=(0.5, -0.5), scheduler=scheduler, gtol=1e-3)
    assert s.final_loss.shape == s.converged_step.shape == (len(y.values), len(x.values))
    for i, yv in enumerate(y.values):
        for j, xv in enumerate(x.values):
            params = dict(base)
            for axis, v in ((x, xv), (y, yv)):
                if axis.name == "betas[0]":
                    params["betas"] = (float(v), params["betas"][1])
                else:
                    params[axis.name] = float(v)
            alone = run(HIMMELBLAU, make(name, params), [(0.5, -0.5)], 60, scheduler,
                        paths=False, gtol=1e-3)
            np.testing.assert_allclose(s.final_point[i, j], alone.point[0], rtol=1e-13)
            assert s.converged_step[i, j] == alone.converged_step[0]
            assert s.diverged_at[i, j] == alone.diverged_at[0]


def test_sweep_records_divergence():
    # SGD on x²/20 + y² diverges exactly when |1 − 2·lr| > 1, i.e. lr > 1.
    s = sweep(ELLIPTIC, make("SGD"), Axis("lr", np.array([0.5, 0.9, 1.1, 1.5])),
              Axis("weight_decay", np.array([0.0])), 2000)
    assert list(s.diverged_at[0] >= 0) == [False, False, True, True]
    data = json.loads(json.dumps(s.to_dict(), allow_nan=False))
    assert data["x"] == {"name": "lr", "values": [0.5, 0.9, 1.1, 1.5], "log": False}
    assert data["diverged_at"][0][:2] == [None, None] and data["diverged_at"][0][2] > 0


def test_sweep_axes_are_checked():
    sgd = make("SGD")
    lr = Axis.spaced("lr", 0.01, 0.1, 3)
    assert sweepable(make("Adam")) == ["lr", "betas[0]", "betas[1]", "eps", "weight_decay"]
    with pytest.raises(ValueError,
                       match=r"SGD has no hyperparameter 'nesterov' to sweep; choose from lr, momentum"):
        sweep(ELLIPTIC, sgd, lr, Axis("nesterov", np.array([0.0, 1.0])), 5)
    with pytest.raises(ValueError, match="has no hyperparameter 'betas\\[0\\]'"):
        sweep(ELLIPTIC, sgd, lr, Axis("betas[0]", np.array([0.5])), 5)
    with pytest.raises(ValueError, match="not 'lr' twice"):
        sweep(ELLIPTIC, sgd, lr, lr, 5)
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -0\.1$"):
        sweep(ELLIPTIC, sgd, Axis("lr", np.array([0.1, -0.1])), Axis("momentum", np.array([0.0])), 5)
    with pytest.raises(ValueError, match=r"^Invalid beta parameter at index 0: 1\.0$"):
        sweep(ELLIPTIC, make("Adam"), lr, Axis.spaced("betas[0]", 0.5, 1.0, 3), 5)
    with pytest.raises(ValueError, match="finite values"):
        sweep(ELLIPTIC, sgd, lr, Axis("momentum", np.array([np.nan])), 5)


def test_parse_axis():
    a = parse_axis("lr:1e-3:1:4:log")
    assert a.name == "lr" and a.log
    np.testing.assert_allclose(a.values, [1e-3, 1e-2, 1e-1, 1.0], rtol=1e-14)
    b = parse_axis("betas[1]:0.9:0.99:3")
    assert b.name == "betas[1]" and not b.log
    np.testing.assert_allclose(b.values, [0.9, 0.945, 0.99], rtol=1e-15)
    for bad, message in (("lr:0:1", "NAME:LOW:HIGH:NUM"), ("lr:a:1:3", "must be numbers"),
                         ("lr:0:1:3:exp", "NAME:LOW:HIGH:NUM"), ("lr:0:1:3:log", "must be > 0"),
                         ("lr:0:1:0", "from 1 to 400"), ("lr:0:inf:3", "finite")):
        with pytest.raises(ValueError, match=message):
            parse_axis(bad)


# --- figures -------------------------------------------------------------------------------

def test_basin_and_sweep_figures():
    from gradscape.figures.maps import basin_figure, sweep_figure
    b = basin(HIMMELBLAU, make("Adam", {"lr": 0.1}), 100, resolution=12)
    fig = basin_figure(b, HIMMELBLAU)
    heat = [t for t in fig.data if t.type == "heatmap"]
    panels = 3 if (b.converged_step >= 0).any() else 2
    assert len(heat) == panels
    assert sum(t.type == "scatter" and t.name == "minimum" for t in fig.data) == panels
    # the categorical panel: four minima, then "none", then "diverged", as legend entries
    keys = [t.name for t in fig.data if t.showlegend]
    assert keys[-2:] == ["none", "diverged"] and len(keys) == 6
    assert heat[1].showscale is False
    np.testing.assert_array_equal(np.asarray(heat[1].z), np.where(b.minimum_index >= 0, b.minimum_index, 4))
    s = sweep(ELLIPTIC, make("SGD"), parse_axis("lr:0.1:60:5"), parse_axis("momentum:0:0.9:3"), 200)
    assert (s.diverged_at[:, -1] >= 0).all()          # |1 − 2·60| = 119: y² overflows by step 75
    fig = sweep_figure(s)
    assert fig.layout.xaxis.title.text == "lr" and fig.layout.yaxis.title.text == "momentum"
    assert any(t.type == "heatmap" and t.showscale is False for t in fig.data)   # diverged overlay


def test_map_scales_sit_under_their_panels_and_a_blank_panel_is_one_line():
    """A colour bar beside a panel printed over the next panel's y tick labels (issue 15, item
    2); a panel of steps to converge where no run converged took half the figure to say so."""
    from gradscape.figures.maps import basin_figure, sweep_figure
    # Adam lr 0.1 on Himmelblau for 100 steps: some starts converge within 1e-3 (3 panels)
    b = basin(HIMMELBLAU, make("Adam", {"lr": 0.1}), 300, resolution=12)
    assert (b.converged_step >= 0).any()
    fig = basin_figure(b, HIMMELBLAU)
    bars = [t for t in fig.data if t.type == "heatmap" and t.showscale is not False]
    assert len(bars) == 2                                  # loss and steps; minima in the legend
    for bar in bars:
        low, high = fig.layout[f"xaxis{bar.xaxis[1:]}"].domain
        assert bar.colorbar.orientation == "h" and bar.colorbar.y < 0      # under the panel
        assert low <= bar.colorbar.x - bar.colorbar.len / 2 and bar.colorbar.x + bar.colorbar.len / 2 <= high
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < bars[0].colorbar.y
    # SGD lr 0.95 on x²/20 + y² for 30 steps from anywhere: |1 − 0.95·2| = 0.9 per step in y,
    # 0.9^30 = 0.04 of the start: nothing gets within the tolerance
    none = basin(ELLIPTIC, make("SGD", {"lr": 0.95}), 30, resolution=8, minima=[(0.0, 0.0)])
    assert not (none.converged_step >= 0).any()
    fig = basin_figure(none, ELLIPTIC)
    assert [a.text for a in fig.layout.annotations] == ["Final loss", "Minimum reached"]
    assert "No run converged" in fig.layout.title.text
    s = sweep(ELLIPTIC, make("SGD"), parse_axis("lr:0.01:0.1:3"), parse_axis("momentum:0:0.5:2"), 3)
    fig = sweep_figure(s)
    assert [a.text for a in fig.layout.annotations] == ["Final loss"]
    assert "No setting converged" in fig.layout.title.text


# --- the command line ----------------------------------------------------------------------

def gradscape(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "gradscape", *args], input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


CONFIG = json.dumps({"surface": "himmelblau", "steps": 200,
                     "optimizers": [{"name": "Adam", "params": {"lr": 0.1}}, {"name": "SGD"}]})


def test_basin_command_writes_the_documented_json(tmp_path):
    out = gradscape("basin", "-", "--resolution", "7", "-o", str(tmp_path / "b.json"), stdin=CONFIG)
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "b.json").read_text())
    assert set(data) == {"x", "y", "final_loss", "final_point", "converged_step", "minimum_index"}
    assert data["x"] == np.linspace(-5, 5, 7).tolist() and len(data["y"]) == 7
    assert np.array(data["final_loss"]).shape == (7, 7)
    assert np.array(data["final_point"]).shape == (7, 7, 2)
    # the first optimizer (Adam) was used: compare one start with a separate run
    alone = run(HIMMELBLAU, make("Adam", {"lr": 0.1}), [(data["x"][1], data["y"][5])], 200,
                paths=False)
    assert data["final_point"][5][1] == alone.point[0].tolist()
    assert all(v is None or 0 <= v < 4 for row in data["minimum_index"] for v in row)
    stdout = gradscape("basin", "-", "--resolution", "3", stdin=CONFIG)   # default: JSON on stdout
    assert stdout.returncode == 0 and len(json.loads(stdout.stdout)["x"]) == 3


def test_basin_command_draws_a_figure(tmp_path):
    out = gradscape("basin", "-", "--resolution", "5", "-o", str(tmp_path / "b.html"), stdin=CONFIG)
    assert out.returncode == 0, out.stderr
    assert "Basins of attraction on Himmelblau" in (tmp_path / "b.html").read_text()


def test_sweep_command(tmp_path):
    out = gradscape("sweep", "-", "--x", "lr:1e-3:0.3:4:log", "--y", "betas[0]:0:0.9:3",
                    "-o", str(tmp_path / "s.json"), stdin=CONFIG)
    assert out.returncode == 0, out.stderr
    data = json.loads((tmp_path / "s.json").read_text())
    assert data["optimizer"] == "Adam" and data["start"] == [0.0, 0.0]
    assert data["x"]["name"] == "lr" and data["x"]["log"] and len(data["x"]["values"]) == 4
    assert np.array(data["final_loss"]).shape == (3, 4)
    alone = run(HIMMELBLAU, make("Adam", {"lr": data["x"]["values"][2], "betas": (0.45, 0.999)}),
                [(0.0, 0.0)], 200, paths=False)
    np.testing.assert_allclose(data["final_point"][1][2], alone.point[0], rtol=1e-13)


def test_critical_command_finds_himmelblau_nine():
    out = gradscape("critical", "himmelblau", "--json")
    assert out.returncode == 0, out.stderr
    points = json.loads(out.stdout)
    kinds = [p["kind"] for p in points]
    assert sorted(kinds) == ["maximum"] + ["minimum"] * 4 + ["saddle"] * 4
    assert set(points[0]) == {"x", "y", "kind", "value", "eigenvalues"}
    for m in HIMMELBLAU_MINIMA:
        assert any(p["kind"] == "minimum" and np.hypot(p["x"] - m[0], p["y"] - m[1]) < 1e-5
                   and abs(p["value"]) < 1e-12 for p in points)
    top = next(p for p in points if p["kind"] == "maximum")
    np.testing.assert_allclose([top["x"], top["y"]], HIMMELBLAU_MAXIMUM, atol=1e-6)
    assert top["value"] == pytest.approx(181.617, abs=1e-3) and max(top["eigenvalues"]) < 0
    table = gradscape("critical", "himmelblau").stdout
    assert "9 critical points of Himmelblau" in table and table.count("saddle") == 4


def test_critical_command_on_a_formula():
    # x² − y² on [−1, 2]²: one saddle at (0, 0), Hessian eigenvalues −2 and 2.
    out = gradscape("critical", "--expr", "x^2 - y^2", "--window=-1,2,-1,2", "--json")
    assert out.returncode == 0, out.stderr
    (p,) = json.loads(out.stdout)
    assert p["kind"] == "saddle" and p["eigenvalues"] == pytest.approx([-2, 2])
    assert abs(p["x"]) < 1e-9 and abs(p["y"]) < 1e-9


@pytest.mark.parametrize("args, message", [
    (("basin", "-", "--resolution", "1"), "error: --resolution must be from 2 to 400, got 1"),
    (("basin", "-", "--resolution", "401"), "error: --resolution must be from 2 to 400, got 401"),
    (("basin", "-", "--resolution", "ten"), "error: argument --resolution: invalid int value"),
    (("basin", "-", "--tol", "0"), "error: --tol must be a finite number > 0"),
    (("basin", "-", "-o", "out.txt"), "error: output 'out.txt' must be - or end in .json"),
    (("sweep", "-", "--x", "lr:0:1:3"), "error: the following arguments are required: --y"),
    (("sweep", "-", "--x", "lr:1e-3:1:3:log", "--y", "nesterov:0:1:2"),
     "error: Adam has no hyperparameter 'nesterov' to sweep; choose from lr, betas[0]"),
    (("sweep", "-", "--x", "lr:1e-3:1", "--y", "eps:0:1:2"),
     "error: axis 'lr:1e-3:1' must be NAME:LOW:HIGH:NUM"),
    (("sweep", "-", "--x", "lr:-1:1:3", "--y", "eps:0:1:2"), "error: Invalid learning rate: -1.0"),
    (("critical",), "error: give either a SURFACE id or --expr FORMULA"),
    (("critical", "nowhere"), "error: unknown surface 'nowhere'"),
    (("critical", "--expr", "x^2", "--window", "1,2,3"), "error: --window must be four numbers"),
    (("critical", "--expr", "x^^2"), "error: "),
])
def test_bad_arguments_exit_2_with_one_error_line(args, message):
    out = gradscape(*args, stdin=CONFIG)
    assert out.returncode == 2 and out.stdout == "", out.stdout
    assert out.stderr.startswith(message) and out.stderr.count("\n") == 1, out.stderr


def test_an_axis_whose_span_overflows_is_refused_without_a_warning():
    with pytest.raises(ValueError, match="the range must be finite"):
        parse_axis("lr:-1.7e308:1.7e308:3")


def test_a_user_title_on_a_map_is_text_not_html():
    from gradscape.figures.maps import basin_figure
    b = basin(HIMMELBLAU, make("SGD", {"lr": 0.01}), resolution=4, steps=5)
    fig = basin_figure(b, HIMMELBLAU, title="<b>bold</b> %{x}")
    assert fig.layout.title.text.split("<br>")[0] == "&lt;b&gt;bold&lt;/b&gt; %&#123;x}"
