"""The figures: right data in the right panel, shared levels, markers where they belong.

Expected numbers come from the formulas by hand (the textbook surface x²/20 + y², Rosenbrock,
SGD's closed-form iterates), never from the figure code.
"""
import base64
import io
import json
import math

import numpy as np
import pytest

from gradscape import experiment
from gradscape import presets
from PIL import Image

from gradscape.figures import distance_figure, loss_figure, lr_figure, surface_figure, trajectory_figure
from gradscape.figures import raster
from gradscape.figures.grid import contour_grid
from gradscape.figures.style import PALETTE
from surfaces.critical import critical_points

PANEL_AXES = [("x", "y"), ("x2", "y2"), ("x3", "y3"), ("x4", "y4")]


@pytest.fixture(scope="module")
def textbook():
    return experiment.simulate(presets.get("textbook"))


@pytest.fixture(scope="module")
def diverging():
    """SGD lr=1.5 on x²/20 + y² from (-7, 2): by hand x ← 0.85x, y ← (1 − 2·1.5)y = −2y.

    y_k = 2·(−2)^k, so y_k² = 2^(2k+2) first overflows to inf (2^1024) at k = 511.
    """
    config = experiment.load({"surface": "elliptic", "start": [-7, 2], "steps": 600, "optimizers": [
        {"name": "SGD", "params": {"lr": 1.5}, "label": "too fast"},
        {"name": "SGD", "params": {"lr": 0.5}, "label": "fine"}]})
    return experiment.simulate(config)


def named(fig, name, axis=None):
    return [t for t in fig.data if t.name == name and (axis is None or t.xaxis == axis)]


def test_textbook_is_a_2x2_grid_titled_by_the_labels(textbook):
    fig = trajectory_figure(textbook)
    assert [t.xaxis for t in named(fig, "contour")] == ["x", "x2", "x3", "x4"]
    lay = fig.layout
    x_domains = {tuple(lay[f"xaxis{s}"].domain) for s in ("", "2", "3", "4")}
    y_domains = {tuple(lay[f"yaxis{s}"].domain) for s in ("", "2", "3", "4")}
    assert len(x_domains) == 2 and len(y_domains) == 2
    titles = [a.text for a in lay.annotations]
    assert titles == ["SGD", "Momentum", "AdaGrad", "Adam"]
    # same ranges everywhere: the surface's window, x in [-10, 10], y in [-5, 5]
    for s in ("", "2", "3", "4"):
        assert tuple(lay[f"xaxis{s}"].range) == (-10, 10) and tuple(lay[f"yaxis{s}"].range) == (-5, 5)
    assert lay.xaxis2.matches == "x" and lay.yaxis4.matches == "y"
    assert lay.uirevision


def test_each_panel_draws_its_own_run_exactly(textbook):
    fig = trajectory_figure(textbook)
    for i, ((xa, ya), run) in enumerate(zip(PANEL_AXES, textbook.runs)):
        (path,) = named(fig, run.label, xa)
        assert path.yaxis == ya and path.line.color == PALETTE[i]
        np.testing.assert_array_equal(path.x, run.points[:, 0])
        np.testing.assert_array_equal(path.y, run.points[:, 1])
        assert len(path.x) == 31
    # SGD lr 0.95 by hand: x ← 0.905x, y ← −0.9y
    sgd = named(fig, "SGD", "x")[0]
    assert sgd.x[1] == pytest.approx(-7 * 0.905) and sgd.y[1] == pytest.approx(2 * -0.9)


def test_start_end_and_minimum_markers(textbook):
    fig = trajectory_figure(textbook)
    for (xa, _), run in zip(PANEL_AXES, textbook.runs):
        (start,) = named(fig, "start", xa)
        assert (start.x[0], start.y[0]) == (-7.0, 2.0) and start.marker.symbol == "circle"
        (minimum,) = named(fig, "minimum", xa)
        assert (minimum.x[0], minimum.y[0]) == (0, 0) and minimum.marker.symbol == "cross-thin"
        (end,) = named(fig, f"{run.label}: end", xa)
        assert end.marker.symbol == "star"
        assert (end.x[0], end.y[0]) == tuple(run.points[-1])


def test_all_panels_share_one_contour_grid_and_levels(textbook):
    fig = trajectory_figure(textbook)
    contours = named(fig, "contour")
    first = contours[0]
    for c in contours[1:]:
        assert c.contours.to_plotly_json() == first.contours.to_plotly_json()
        np.testing.assert_array_equal(c.z, first.z)
    assert first.contours.coloring == "lines" and first.hoverinfo == "skip"
    # linear levels of f itself: z is x²/20 + y² on the grid (float32)
    x, y, z = np.asarray(first.x, float), np.asarray(first.y, float), np.asarray(first.z, float)
    assert x[0] == -10 and x[-1] == 10 and y[0] == -5 and y[-1] == 5
    expected = x[None, :] ** 2 / 20 + y[:, None] ** 2
    np.testing.assert_allclose(z, expected, rtol=1e-6, atol=1e-6)
    levels = np.arange(first.contours.start, first.contours.end + 1e-9, first.contours.size)
    assert 8 <= len(levels) <= 30 and levels[0] > 0


def test_rosenbrock_levels_are_log_spaced():
    result = experiment.simulate(presets.get("rosenbrock"))
    fig = trajectory_figure(result)
    c = named(fig, "contour")[0]
    x, y, z = np.asarray(c.x, float), np.asarray(c.y, float), np.asarray(c.z, float)
    f = (1 - x[None, :]) ** 2 + 100 * (y[:, None] - x[None, :] ** 2) ** 2    # f* = 0
    above = f > 10 ** c.contours.start
    np.testing.assert_allclose(z[above], np.log10(f[above]), atol=1e-5)
    # evenly spaced in log10 f: each level a constant factor above the last, over >= 3 decades
    assert c.contours.end - c.contours.start >= 3


def test_critical_points_are_marked_by_kind_in_every_panel():
    himmelblau = experiment.simulate(presets.get("himmelblau"))
    points = critical_points(himmelblau.surface)
    fig = trajectory_figure(himmelblau, critical=points)
    for kind, count in (("minimum", 4), ("maximum", 1), ("saddle", 4)):
        marks = named(fig, f"critical: {kind}")
        assert [m.xaxis for m in marks] == [x for x, _ in PANEL_AXES[:len(himmelblau.runs)]]
        assert all(len(m.x) == count for m in marks)
    # Himmelblau's one local maximum, published: f(-0.270845, -0.923039) = 181.617
    (top, *_) = named(fig, "critical: maximum")
    assert (top.x[0], top.y[0]) == pytest.approx((-0.270845, -0.923039), abs=1e-5)
    assert top.customdata[0] == pytest.approx(181.617, abs=1e-3)
    overlay = trajectory_figure(himmelblau, overlay=True, critical=points)
    assert [m.showlegend for m in named(overlay, "critical: saddle")] == [True]
    assert not named(trajectory_figure(himmelblau), "critical: saddle")


def test_overlay_is_one_panel_with_a_legend(textbook):
    fig = trajectory_figure(textbook, overlay=True)
    assert len(named(fig, "contour")) == 1 and "xaxis2" not in fig.layout.to_plotly_json()
    assert fig.layout.showlegend
    for i, run in enumerate(textbook.runs):
        (path,) = named(fig, run.label, "x")
        assert path.showlegend and path.line.color == PALETTE[i]
        np.testing.assert_array_equal(path.x, run.points[:, 0])
    assert len(named(fig, "start")) == 1


def test_upto_cuts_every_path_at_that_step(textbook):
    fig = trajectory_figure(textbook, upto=5)
    for (xa, _), run in zip(PANEL_AXES, textbook.runs):
        (path,) = named(fig, run.label, xa)
        np.testing.assert_array_equal(path.x, run.points[:6, 0])
        (end,) = named(fig, f"{run.label}: end", xa)
        assert (end.x[0], end.y[0]) == tuple(run.points[5])
    full = trajectory_figure(textbook, upto=10_000)
    assert len(named(full, "SGD")[0].x) == 31


def test_a_diverged_run_is_drawn_to_its_last_finite_point_and_labelled(diverging):
    run = diverging.runs[0]
    assert run.diverged_at == 511 and len(run.points) == 511
    fig = trajectory_figure(diverging)
    (path,) = named(fig, "too fast", "x")
    assert len(path.x) == 511
    (last,) = named(fig, "too fast: last finite point", "x")
    assert last.marker.symbol == "x"
    k = 510   # the last finite point, by hand
    assert last.x[0] == pytest.approx(-7 * 0.85 ** k) and last.y[0] == pytest.approx(2.0 * 2.0 ** k)
    notes = [a for a in fig.layout.annotations if "step" in a.text]
    assert [(a.text, a.xref) for a in notes] == [("diverged at step 511", "x domain")]
    assert named(fig, "fine: end", "x2")          # the other run ends normally
    # before step 511 nothing has happened yet
    early = trajectory_figure(diverging, upto=100)
    assert not [a for a in early.layout.annotations if "diverged" in a.text]
    assert named(early, "too fast: end")[0].marker.symbol == "star"


def test_leaving_the_domain_is_labelled_undefined():
    # sqrt(x) + y² with SGD lr 1 from (1, 0): x ← x − 1/(2√x): 1 → 0.5 → 0.5 − 0.7071 < 0
    config = experiment.load({"surface": {"expr": "sqrt(x) + y^2", "window": [[-1, 2], [-1, 1]]},
                              "start": [1, 0], "steps": 10,
                              "optimizers": [{"name": "SGD", "params": {"lr": 1.0}}]})
    fig = trajectory_figure(experiment.simulate(config), overlay=True)
    assert [a.text for a in fig.layout.annotations] == ["SGD: undefined at step 2"]


def test_labels_are_shown_as_text_not_html():
    config = experiment.load({"surface": "booth", "steps": 3,
                              "optimizers": [{"name": "SGD", "label": "<b>bold</b> %{x}"}]})
    fig = trajectory_figure(experiment.simulate(config))
    assert fig.layout.annotations[0].text == "&lt;b&gt;bold&lt;/b&gt; %&#123;x}"


def test_the_textbook_figure_is_light_enough_for_a_fast_browser(textbook):
    # Payload measured in a browser: 4 panels of 80x80 float32 contours + click grids ~ 250 kB;
    # with contour pictures ~ 170 kB.
    assert len(trajectory_figure(textbook).to_json()) < 400_000
    assert len(trajectory_figure(textbook, contours="raster").to_json()) < 250_000
    spec = json.loads(trajectory_figure(textbook).to_json())
    contour = next(t for t in spec["data"] if t["name"] == "contour")
    assert contour["z"]["dtype"] == "f4"


def test_bad_arguments_raise_clear_errors(textbook):
    with pytest.raises(ValueError, match="upto"):
        trajectory_figure(textbook, upto=-1)
    with pytest.raises(ValueError, match="resolution"):
        trajectory_figure(textbook, resolution=3)
    with pytest.raises(ValueError, match="contours must be one of lines, raster"):
        trajectory_figure(textbook, contours="filled")
    with pytest.raises(ValueError, match="image size"):
        raster.contour_rgb(textbook.surface, contour_grid(textbook.surface), 0, 10)


# --- contours as pictures (the page) ---------------------------------------------------------

def picture(uri: str) -> np.ndarray:
    """A data:image/png URI decoded by Pillow (an independent PNG reader) to (h, w, 3) uint8."""
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    image.load()                                     # decodes every row: a broken PNG raises
    return np.asarray(image.convert("RGB"))


def test_raster_panels_are_one_picture_each_stretched_over_the_window(textbook):
    fig = trajectory_figure(textbook, contours="raster")
    assert not named(fig, "contour")                 # no contour traces left to compute
    images = fig.layout.images
    assert [(i.xref, i.yref) for i in images] == PANEL_AXES
    for image in images:
        assert (image.x, image.y, image.sizex, image.sizey) == (-10, 5, 20, 10)   # window's top left
        assert (image.xanchor, image.yanchor, image.sizing, image.layer) == ("left", "top", "stretch", "below")
        assert image.source == images[0].source      # one picture shared by the panels
    # the picture has the first panel's size in the page: 1100 px wide figure minus margins
    # (55 + 20) times the panel's share of the width; 800 px high minus margins (45 + 50)
    (a, b), (c, d) = fig.layout.xaxis.domain, fig.layout.yaxis.domain
    pixels = picture(images[0].source)
    assert pixels.shape == (round(705 * (d - c)), round(1025 * (b - a)), 3)
    # the paths are the same as with vector contours
    lines = trajectory_figure(textbook)
    assert [t.name for t in fig.data] == [t.name for t in lines.data if t.name != "contour"]


def test_raster_draws_each_level_where_f_equals_it(textbook):
    """Lines at f = level on the textbook bowl x²/20 + y²: on a row y, at x = √(20(level − y²))."""
    surface, grid = textbook.surface, contour_grid(textbook.surface)
    width, height = 400, 200
    pixels = picture(raster.contour_image(surface, grid, width, height)).astype(float)
    brightness = pixels.mean(axis=2)
    row = 90                                         # pixel centres: y = 5 − (row + ½)·10/height
    y = 5 - (row + 0.5) * 10 / height
    levels = raster.levels(grid)
    assert levels[0] == pytest.approx(grid.start) and np.diff(levels) == pytest.approx(grid.size)
    checked = 0
    for low, high in zip(levels[:-1], levels[1:]):
        mid = (low + high) / 2
        if low < y * y or 20 * (mid - y * y) >= 10 ** 2:
            continue                                 # the level misses this row or leaves the window
        on = (math.sqrt(20 * (low - y * y)) + 10) * width / 20 - 0.5          # pixel columns
        between = (math.sqrt(20 * (mid - y * y)) + 10) * width / 20 - 0.5
        if abs(between - on) < 3:
            continue                                 # levels closer than the line width
        line, fill = brightness[row, round(on)], brightness[row, round(between)]
        assert line < fill - 20, (low, on, line, fill)               # ink on the level ...
        assert np.allclose(pixels[row, round(between)], pixels[row, round(between) + 1])  # ... none between
        checked += 1
    assert checked >= 5
    # inside the first level: the innermost fill, no line; the corners lie above the last level: white
    assert brightness[height // 2, width // 2] < 240
    assert (pixels[0, 0] == 255).all() and (pixels[-1, -1] == 255).all()


def test_raster_log_levels_and_holes():
    # Rosenbrock: log-spaced levels, so lines sit at f = 10^level
    result = experiment.simulate(presets.get("rosenbrock"))
    grid = contour_grid(result.surface)
    assert grid.log
    rgb = raster.contour_rgb(result.surface, grid, 300, 200)
    (x0, x1), (y0, y1) = result.surface.window
    # along the top row, f grows from the valley y = x² outwards; a pixel whose f is a level is inked
    y = y1 - 0.5 * (y1 - y0) / 200
    x = x0 + (np.arange(300) + 0.5) * (x1 - x0) / 300
    f = (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    t = (np.log10(f) - grid.start) / grid.size
    on = np.abs(t - np.rint(t)) * grid.size / np.abs(np.gradient(np.log10(f))) < 0.3
    on &= (np.rint(t) >= 0) & (np.rint(t) <= len(raster.levels(grid)) - 1)
    off = np.abs(t - np.rint(t)) > 0.45
    assert on.sum() >= 3 and off.sum() >= 10
    assert rgb[0, on].mean() < rgb[0, off].mean() - 40
    # sqrt(x) + y² is undefined for x < 0: those pixels stay white
    config = experiment.load({"surface": {"expr": "sqrt(x) + y^2", "window": [[-1, 3], [-1, 1]]},
                              "steps": 1, "optimizers": [{"name": "SGD"}]})
    holes = experiment.simulate(config)
    rgb = raster.contour_rgb(holes.surface, contour_grid(holes.surface), 40, 20)
    assert (rgb[:, :10] == 255).all() and not (rgb[:, 10:] == 255).all()


def test_raster_png_is_small_and_cached(textbook):
    surface, grid = textbook.surface, contour_grid(textbook.surface)
    uri = raster.contour_image(surface, grid, 477, 317)
    assert raster.contour_image(surface, grid, 477, 317) is uri          # cached
    assert len(uri) < 40_000                        # a palette PNG: ~11 kB for the textbook panel
    raw = base64.b64decode(uri.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n" and raw[12:16] == b"IHDR" and raw[24:26] == bytes([8, 3])
    # the truecolour fallback (more than 256 colours) decodes to the same picture
    index, palette = raster.contour_pixels(surface, grid, 60, 40)
    assert (picture("data:image/png;base64," + base64.b64encode(raster.png(palette[index])).decode())
            == palette[index]).all()


def test_loss_figure_plots_the_gap_to_f_star_on_a_log_axis(textbook):
    fig = loss_figure(textbook)
    assert fig.layout.yaxis.type == "log" and "f*" in fig.layout.yaxis.title.text
    sgd = named(fig, "SGD")[0]
    assert sgd.y[0] == pytest.approx(49 / 20 + 4)        # f(-7, 2) − 0
    np.testing.assert_array_equal(sgd.y, textbook.runs[0].loss)     # f* = 0, every f > 0
    assert [t.line.color for t in fig.data] == list(PALETTE[:4])
    linear = loss_figure(textbook, log_y=False)
    assert linear.layout.yaxis.type == "linear" and linear.layout.yaxis.title.text == "f(θ)"


def test_loss_figure_subtracts_a_nonzero_f_star():
    # Goldstein–Price, f* = 3: f(0, 0) = [1 + 1·19]·[30 + 0] = 600 by hand
    config = experiment.load({"surface": "goldstein_price", "start": [0, 0], "steps": 5,
                              "optimizers": [{"name": "Adam", "params": {"lr": 0.01}}]})
    fig = loss_figure(experiment.simulate(config))
    assert fig.data[0].y[0] == pytest.approx(597)


def test_loss_figure_without_a_known_minimum():
    # the saddle x² − y² has no minimum, and its loss goes negative: plain f on a linear axis
    fig = loss_figure(experiment.simulate(presets.get("saddle")))
    assert fig.layout.yaxis.type == "linear" and fig.layout.yaxis.title.text == "f(θ)"
    assert fig.data[0].y[0] == pytest.approx(1.8 ** 2 - 1e-6)


def test_loss_axis_of_a_diverged_run_stays_finite(diverging):
    fig = loss_figure(diverging)
    low, high = fig.layout.yaxis.range
    assert math.isfinite(low) and high <= 307    # Plotly's autorange would print "Infinity"
    assert named(fig, "too fast: diverged at step 511")


def test_distance_figure(textbook):
    fig = distance_figure(textbook)
    assert fig.data[0].y[0] == pytest.approx(math.hypot(-7, 2))
    assert fig.layout.yaxis.type == "log"
    empty = distance_figure(experiment.simulate(presets.get("saddle")))
    assert not empty.data and "no known minimum" in empty.layout.annotations[0].text


def test_lr_figure_shows_the_schedule():
    result = experiment.simulate(presets.get("schedules"))
    fig = lr_figure(result)
    step = named(fig, "StepLR")[0]      # StepLR(step_size=50, gamma=0.5) from lr 0.2, by hand
    assert len(step.y) == 300
    assert step.y[0] == pytest.approx(0.2) and step.y[49] == pytest.approx(0.2)
    assert step.y[50] == pytest.approx(0.1) and step.y[299] == pytest.approx(0.2 * 0.5 ** 5)
    assert named(fig, "constant")[0].y[-1] == pytest.approx(0.2)


def test_the_schedules_preset_shows_what_schedules_are_for():
    """It showed the constant lr winning while StepLR & co. stalled far from the minimum, the
    opposite of the lesson (issue 15, item 10). With noisy gradients a constant lr keeps
    jittering around the minimum; every decaying schedule settles much closer."""
    result = experiment.simulate(presets.get("schedules"))
    spread = {run.label: float(np.hypot(*np.asarray(run.points)[-50:].T).mean()) for run in result.runs}
    assert result.config.noise_std > 0 and all(r.diverged_at is None for r in result.runs)
    for label, distance in spread.items():
        if label != "constant":
            assert distance < spread["constant"] / 3, spread


def test_surface_figure_lifts_paths_onto_the_sheet(textbook):
    fig = surface_figure(textbook)
    assert fig.data[0].type == "surface"
    paths = [t for t in fig.data if t.type == "scatter3d" and t.name != "minimum"]
    assert [p.name for p in paths] == [r.label for r in textbook.runs]
    sgd = paths[0]
    np.testing.assert_array_equal(sgd.x, textbook.runs[0].points[:, 0])
    z = np.asarray(fig.data[0].z, float)
    offset = sgd.z[-1] - textbook.runs[0].loss[-1]          # near the minimum: not clipped
    assert 0 < offset < 0.05 * (np.nanmax(z) - np.nanmin(z))
    assert sgd.z[0] == pytest.approx(min(49 / 20 + 4, np.nanmax(z)) + offset)


@pytest.mark.parametrize("config", [
    {"surface": "booth", "steps": 0, "optimizers": [{"name": "SGD"}]},
    {"surface": {"expr": "sqrt(x) + y^2", "window": [[-1, 2], [-1, 1]]}, "start": [1, 0], "steps": 10,
     "optimizers": [{"name": "SGD", "params": {"lr": 1.0}}, {"name": "Adam"}]},
    {"surface": {"expr": "log(x - 10)", "window": [[-1, 1], [-1, 1]]}, "start": [0, 0], "steps": 5,
     "optimizers": [{"name": "Adam"}]},          # undefined on the whole window
])
def test_every_figure_copes_with_edge_cases(config):
    """No steps, NaN holes in the surface, a surface undefined everywhere: figures, no warnings."""
    result = experiment.simulate(experiment.load(config))
    for make in (trajectory_figure, loss_figure, distance_figure, lr_figure, surface_figure):
        fig = make(result)
        json.loads(fig.to_json())
    assert trajectory_figure(result, overlay=True, upto=0).data
