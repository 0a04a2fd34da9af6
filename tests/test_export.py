"""Export to real files with the real Chromium, and `gradscape render`.

PNGs are checked with a small pure-Python decoder (no image library): signature, the IHDR
size, and the brightness a viewer would see (transparent pixels count as black).
"""
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from gradscape import experiment
from gradscape import presets
from gradscape.cli import main
from gradscape.figures import TOOLBAR_CONFIG, ExportError, to_bytes, trajectory_figure
from gradscape.figures import export

ROOT = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

pytestmark = pytest.mark.chromium      # skipped without Chromium, except in CI (conftest.py)


def read_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """(width, height, channels, unfiltered rows) of an 8-bit, non-interlaced PNG."""
    assert data[:8] == PNG_SIGNATURE
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and interlace == 0 and colour_type in (0, 2, 4, 6)
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    raw, stride = zlib.decompress(idat), width * channels
    rows, prev = [], bytearray(stride)
    for r in range(height):
        kind = raw[r * (stride + 1)]
        line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, rows


def brightness(data: bytes) -> float:
    """Mean grey level 0–255 over the image, composited on black."""
    width, height, channels, rows = read_png(data)
    pixels = np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, channels).astype(float)
    colour = pixels[..., :3] if channels >= 3 else pixels[..., :1]
    alpha = pixels[..., -1:] / 255 if channels in (2, 4) else 1.0
    return float((colour * alpha).mean())


@pytest.fixture(scope="module")
def figure():
    return trajectory_figure(experiment.simulate(presets.get("textbook")))


def test_png_has_the_requested_pixel_size(figure):
    data = to_bytes(figure, "png", width=600, height=400, scale=2)
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])       # IHDR comes first
    assert (width, height) == (1200, 800)


def test_png_is_not_black_after_importing_streamlit():
    import plotly.io as pio
    import streamlit  # noqa: F401  (sets the "streamlit" template as the default)
    assert pio.templates.default == "streamlit"
    # built after the import: carries the streamlit template, whose colours are placeholders
    fig = trajectory_figure(experiment.simulate(presets.get("textbook")))
    assert brightness(to_bytes(fig, "png", width=300, height=200, scale=1)) > 180
    # a heatmap in the template's default colours: near-black (#000011…) without the fix
    heat = go.Figure(go.Heatmap(z=np.arange(100.0).reshape(10, 10), showscale=False),
                     layout=dict(margin=dict(l=0, r=0, t=0, b=0)))
    raw = export._warm_browser(60).render(heat, {"format": "png", "width": 200, "height": 200, "scale": 1}, 60)
    fixed = to_bytes(heat, "png", width=200, height=200, scale=1)
    assert brightness(raw) < 30 and brightness(fixed) > 80      # viridis averages about 110
    assert heat.layout.template.layout.colorway[0] == "#000001"   # the figure itself is untouched


def test_svg_is_xml_with_the_paths(figure):
    data = to_bytes(figure, "svg", width=800, height=600)
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    text = data.decode()
    assert "rgb(214, 39, 40)" in text            # the first run's colour, #d62728
    assert text.count('class="scatterlayer') == 4 and "contourlevel" in text


def test_pdf(figure):
    data = to_bytes(figure, "pdf", width=800, height=600)
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def test_html_is_self_contained(figure):
    html = to_bytes(figure, "html").decode()
    assert html.lower().startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"<script[^>]*\bsrc=", html)                # nothing fetched
    assert len(html) > 3_000_000 and "Plotly.newPlot" in html       # plotly.js inline
    assert '"plot_bgcolor":"white"' in html and '"displaylogo": false' in html    # plotly_white


def test_unknown_format_and_bad_size():
    fig = go.Figure()
    with pytest.raises(ValueError, match="format"):
        to_bytes(fig, "gif")
    with pytest.raises(ValueError, match="width"):
        to_bytes(fig, "png", width=0)


def test_toolbar_config():
    assert TOOLBAR_CONFIG["toImageButtonOptions"] == {"format": "png", "scale": 2, "filename": "gradscape"}
    assert TOOLBAR_CONFIG["displaylogo"] is False
    # nothing one click from Plotly's cloud (issue 15, item 11), in the page and in HTML files
    assert TOOLBAR_CONFIG["showSendToCloud"] is False
    assert {"sendDataToCloud", "editInChartStudio"} <= set(TOOLBAR_CONFIG["modeBarButtonsToRemove"])


@pytest.mark.parametrize("suffix, head", [("png", PNG_SIGNATURE), ("svg", b"<svg"), ("pdf", b"%PDF"),
                                          ("html", b"<!doctype html>")])
def test_render_writes_each_format(tmp_path, suffix, head):
    out = tmp_path / f"figure.{suffix}"
    assert main(["render", "--preset", "textbook", "-o", str(out), "--width", "500", "--height", "400"]) == 0
    assert out.read_bytes().lstrip()[:len(head)].lower() == head.lower()
    if suffix == "png":
        assert struct.unpack(">II", out.read_bytes()[16:24]) == (1000, 800)     # scale 2


def test_render_a_config_file_as_overlay(tmp_path):
    config = tmp_path / "c.json"
    config.write_text('{"surface": "himmelblau", "steps": 20, "optimizers": [{"name": "Adam"}, {"name": "SGD"}]}')
    out = tmp_path / "o.svg"
    assert main(["render", str(config), "-o", str(out), "--overlay"]) == 0
    text = out.read_text()
    assert text.count('class="scatterlayer') == 1 and "legend" in text


def gradscape(*args, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "gradscape", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


@pytest.mark.parametrize("args, message", [
    (["--preset", "nope", "-o", "x.png"], "error: unknown preset 'nope'"),
    (["--preset", "textbook", "-o", "x.gif"], "error: output 'x.gif' must end in"),
    (["-o", "x.png"], "error: give either a CONFIG file or --preset NAME"),
    (["missing.json", "-o", "x.png"], "error: cannot read config 'missing.json'"),
    (["--preset", "textbook", "-o", "x.png", "--width", "5"], "error: --width must be"),
])
def test_render_bad_input_exits_2_with_one_line(tmp_path, args, message):
    out = gradscape("render", *args)
    assert out.returncode == 2 and out.stderr.startswith(message) and out.stderr.count("\n") == 1
    assert not (ROOT / "x.png").exists()


def test_render_a_bad_config(tmp_path):
    config = tmp_path / "bad.json"
    config.write_text('{"surface": "elliptic", "optimizers": [{"name": "Adam", "params": {"lr": -1}}]}')
    out = gradscape("render", str(config), "-o", str(tmp_path / "o.png"))
    assert out.returncode == 2 and out.stderr.startswith("error: optimizers[0].params")


@pytest.mark.parametrize("setting", ["BROWSER_PATH", "PATH"])
def test_no_browser_is_a_clear_error_not_a_hang(tmp_path, setting):
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_PATH"}
    if setting == "BROWSER_PATH":
        env["BROWSER_PATH"] = str(tmp_path / "no-such-chromium")
    else:
        env["PATH"] = str(tmp_path)      # an empty directory: no chromium anywhere on PATH
    out = gradscape("render", "--preset", "textbook", "-o", str(tmp_path / "f.png"), env=env, timeout=60)
    assert out.returncode == 2
    assert out.stderr == "error: static export needs Chromium: install it with `apt-get install chromium`\n"
    assert not (tmp_path / "f.png").exists()
    # HTML needs no browser
    out = gradscape("render", "--preset", "textbook", "-o", str(tmp_path / "f.html"), env=env, timeout=60)
    assert out.returncode == 0 and (tmp_path / "f.html").stat().st_size > 3_000_000


def test_a_browser_that_never_answers_times_out(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexec sleep 20\n")       # starts, then never speaks
    fake.chmod(0o755)
    code = ("import plotly.graph_objects as go\n"
            "from gradscape.figures import export\n"
            "try:\n"
            "    export.to_bytes(go.Figure(), 'png', timeout=3)\n"
            "except export.ExportError as exc:\n"
            "    print(exc)\n")
    env = dict(os.environ, BROWSER_PATH=str(fake))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=90, cwd=ROOT, env=env)
    assert "timed out after 3 s" in out.stdout or "static export failed" in out.stdout, out.stderr[-2000:]


def test_export_error_is_raised_for_a_missing_browser(monkeypatch):
    export._shutdown()              # a warm browser would (rightly) be reused
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert export.find_browser() is None
    with pytest.raises(ExportError, match="apt-get install chromium"):
        to_bytes(go.Figure(), "png")
    assert to_bytes(go.Figure(), "html").startswith(b"<!doctype html>")    # HTML needs no browser


@pytest.mark.skipif(shutil.which("rsvg-convert") is None,
                    reason="needs librsvg's rsvg-convert (apt-get install librsvg2-bin)")
@pytest.mark.parametrize("overlay", [True, False])
def test_svg_renders_in_librsvg_as_in_the_browser(overlay):
    """The SVG export came out of a converter as a black rectangle with a cut-off legend (issue
    15, item 13). librsvg (rsvg-convert: what most desktop and slide tools use to draw SVG)
    must draw it as Chromium draws the same figure as PNG: same size, white background, the
    legend whole; only anti-aliasing differs (measured: about 1 grey level of 255 on average)."""
    from PIL import Image
    fig = trajectory_figure(experiment.simulate(presets.get("textbook")), overlay=overlay,
                            contours="lines")
    svg = to_bytes(fig, "svg", width=700, height=400)
    assert ET.fromstring(svg).get("width") == "700"           # its CSS size, at any scale
    png = subprocess.run(["rsvg-convert", "-f", "png"], input=svg, capture_output=True,
                         check=True, timeout=60).stdout
    drawn = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)
    browser = np.asarray(Image.open(io.BytesIO(to_bytes(fig, "png", width=700, height=400, scale=1)))
                         .convert("RGB"), dtype=float)
    assert drawn.shape == browser.shape == (400, 700, 3)
    assert (drawn[:5, :5] == 255).all()                      # the paper is white, not black
    assert np.abs(drawn - browser).mean() < 4
    assert np.abs(drawn - browser)[:, 560:].mean() < 4       # the legend's side (overlay)
