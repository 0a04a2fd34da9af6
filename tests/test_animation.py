"""Animations as files: GIF and MP4 opened with Pillow and PyAV (FFmpeg), compared with the
static export of the same figure drawn by Chromium; the slide looks of static exports."""
import io
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from gradscape import presets
from gradscape.experiment import simulate
from gradscape.figures import animation, export
from gradscape.figures.look import Look
from gradscape.figures import trajectory_figure

ROOT = Path(__file__).resolve().parents[1]
W, H, HOLD = 640, 400, 3
STEPS = 30                       # the textbook preset's

pytestmark = pytest.mark.skipif(export.find_browser() is None, reason="needs Chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def result():
    return simulate(presets.get("textbook"))


@pytest.fixture(scope="module")
def gif(result):
    return animation.animate(result, "gif", width=W, height=H, hold=HOLD, fps=10)


@pytest.fixture(scope="module")
def static(result):
    """The static export (Chromium, scale 1) of the figure the animation shows, every step drawn."""
    png = export.to_bytes(animation.figure(result, height=H), "png", width=W, height=H, scale=1)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def gif_frames(data: bytes) -> list[np.ndarray]:
    image = Image.open(io.BytesIO(data))
    frames = []
    for k in range(image.n_frames):
        image.seek(k)
        frames.append(np.asarray(image.convert("RGB")).astype(int))
    return frames


def blob_centre(rgb: np.ndarray, colour, box, tolerance=60, kernel=7) -> tuple[int, int]:
    """(x, y) of the densest kernel x kernel patch of ``colour`` within box (x0, y0, x1, y1):
    a filled marker (the start dot, an end star) rather than a 2-px line of the same colour."""
    x0, y0, x1, y1 = box
    part = rgb[y0:y1, x0:x1]
    mask = (np.abs(part - np.array(colour)).sum(axis=2) < tolerance).astype(float)
    sums = np.cumsum(np.cumsum(np.pad(mask, ((1, 0), (1, 0))), axis=0), axis=1)
    k = kernel
    dense = sums[k:, k:] - sums[:-k, k:] - sums[k:, :-k] + sums[:-k, :-k]
    y, x = np.unravel_index(np.argmax(dense), dense.shape)
    return x0 + x + k // 2, y0 + y + k // 2


def centroid(rgb: np.ndarray, colour, at, reach=9, tolerance=60) -> np.ndarray:
    """The mean (x, y) of the pixels of ``colour`` within ``reach`` pixels of ``at``."""
    x, y = at
    part = rgb[y - reach:y + reach + 1, x - reach:x + reach + 1]
    ys, xs = np.nonzero(np.abs(part - np.array(colour)).sum(axis=2) < tolerance)
    return np.array([x - reach + xs.mean(), y - reach + ys.mean()])


def assert_same_place(frame: np.ndarray, static: np.ndarray, colour, box, kernel: int) -> None:
    """The marker of ``colour`` the static export draws in ``box`` is at the same pixels in the
    frame: the centroids of its colour around it differ by at most a pixel."""
    at = blob_centre(static, colour, box, kernel=kernel)
    moved = centroid(frame, colour, at) - centroid(static, colour, at)
    assert np.abs(moved).max() <= 1.0, (colour, at, moved)


QUADRANTS = [(0, 0, W // 2, H // 2), (W // 2, 0, W, H // 2), (0, H // 2, W // 2, H), (W // 2, H // 2, W, H)]
RUN_COLOURS = [(0xd6, 0x27, 0x28), (0x1f, 0x77, 0xb4), (0x2c, 0xa0, 0x2c), (0xff, 0x7f, 0x0e)]


def test_gif_has_a_frame_per_step_the_start_and_the_hold_at_the_size_asked(gif):
    image = Image.open(io.BytesIO(gif))
    assert image.format == "GIF"
    assert image.n_frames == STEPS + 1 + HOLD
    assert image.size == (W, H)
    assert image.info.get("loop") == 0          # loops forever


def test_first_frame_shows_the_start_where_the_static_export_puts_it(gif, static):
    first = gif_frames(gif)[0]
    for box in QUADRANTS:
        assert_same_place(first, static, (0, 0, 0), box, kernel=7)


def test_last_frame_shows_each_run_s_end_where_the_static_export_puts_it(gif, static, result):
    frames = gif_frames(gif)
    assert np.array_equal(frames[-1], frames[STEPS])   # the hold repeats the last step
    for box, colour in zip(QUADRANTS, RUN_COLOURS):
        assert_same_place(frames[-1], static, colour, box, kernel=11)
    # and the ends are where the runs ended, not where they started: far from the start dot
    start = blob_centre(static, (0, 0, 0), QUADRANTS[0])
    assert abs(blob_centre(frames[-1], RUN_COLOURS[0], QUADRANTS[0], kernel=11)[0] - start[0]) > 50


def test_mp4_is_h264_yuv420p_and_decodes_to_the_frames_and_size_asked(result):
    data = animation.animate(result, "mp4", width=W, height=H, hold=HOLD, fps=12)
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        frames = list(container.decode(stream))
    assert len(frames) == STEPS + 1 + HOLD
    assert {(f.width, f.height) for f in frames} == {(W, H)}
    assert float(stream.average_rate) == 12
    assert data[4:8] == b"ftyp" and data.index(b"moov") < data.index(b"mdat")   # +faststart


@pytest.mark.parametrize("kwargs, message", [
    (dict(fmt="mp4", width=641, height=400), "even width and height"),
    (dict(fmt="gif", fps=0), "frames per second"),
    (dict(fmt="gif", hold=600), "at most 600 frames"),
    (dict(fmt="gif", width=3840, height=2160, hold=100), "budget"),
    (dict(fmt="webm"), ".gif or .mp4"),
])
def test_bad_requests_get_a_clear_message(result, kwargs, message):
    fmt = kwargs.pop("fmt")
    with pytest.raises(ValueError, match=message):
        animation.animate(result, fmt, **kwargs)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "gradscape", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_cli_renders_the_textbook_animation(tmp_path):
    out = tmp_path / "textbook.gif"
    done = run_cli("render", "--preset", "textbook", "--animate", "-o", str(out), "--fps", "5",
                   "--size", "320x200", "--hold", "0")
    assert done.returncode == 0, done.stderr
    image = Image.open(out)
    assert (image.n_frames, image.size) == (STEPS + 1, (320, 200))


@pytest.mark.parametrize("args, message", [
    (("--animate", "-o", "x.png"), "must end in .gif, .mp4"),
    (("--animate", "-o", "x.mp4", "--size", "321x200"), "even width and height"),
    (("-o", "x.pdf", "--transparent"), "--transparent is for .png and .svg"),
    (("-o", "x.png", "--size", "12by5"), "WIDTHxHEIGHT"),
])
def test_cli_bad_animation_input_is_one_line(tmp_path, args, message):
    done = run_cli("render", "--preset", "textbook", *args)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


# --- slide looks of static exports -----------------------------------------------------------

def png_image(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_slide_size_preset_sets_the_pixels(result):
    png = export.to_bytes(trajectory_figure(result), "png", scale=1, look=Look(size="16:9"))
    assert png_image(png).size == (1920, 1080)


def test_transparent_png_has_no_fill_and_dark_theme_is_dark(result):
    fig = trajectory_figure(result)
    clear = png_image(export.to_bytes(fig, "png", width=400, height=300, scale=1, look=Look(transparent=True)))
    assert clear.mode == "RGBA" and clear.getpixel((2, 2))[3] == 0
    dark = np.asarray(png_image(export.to_bytes(fig, "png", width=400, height=300, scale=1,
                                                look=Look(theme="dark"))).convert("L"))
    light = np.asarray(png_image(export.to_bytes(fig, "png", width=400, height=300, scale=1)).convert("L"))
    assert dark.mean() < 60 < 200 < light.mean()


def test_font_scale_multiplies_every_font_and_the_margins(result):
    fig = trajectory_figure(result, title="t")        # body 13 px, panel titles 15 px, margin l 55
    styled = Look(font_scale=2).apply(fig)
    assert styled.layout.font.size == 26
    assert {a.font.size for a in styled.layout.annotations} == {30}
    assert styled.layout.margin.l == 110
    assert fig.layout.font.size == 13                 # the original is untouched


@pytest.mark.parametrize("doc", [{"size": "5:4"}, {"font_scale": 9}, {"theme": "sepia"},
                                 {"transparent": "yes"}, {"colour": 1}])
def test_bad_looks_are_refused_in_words(doc):
    with pytest.raises(ValueError):
        Look.from_dict(doc)
