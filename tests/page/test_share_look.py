"""The exports' slide look in the URL and the page's animation export (AppTest, the real app)."""
from __future__ import annotations

import base64
import io
import json

import pytest
from PIL import Image

from apptest import refresh, start

from gradscape.figures import export
from gradscape.figures.look import Look
from gradscape.page.keys import Key
from gradscape.page.settings import View
from gradscape.page.url import decode_url, encode_url
from gradscape import presets


def test_a_link_made_before_the_look_opens_with_the_default_look():
    config = presets.get("textbook")
    old = {"v": 1, "config": config.to_dict(), "view": {"tab": "paths", "overlay": True, "log_y": True,
                                                        "preset": "textbook"}}
    s = base64.urlsafe_b64encode(json.dumps(old).encode()).rstrip(b"=").decode()
    decoded = decode_url({"s": s})
    assert decoded.warning is None and decoded.view.look == Look() and decoded.view.overlay
    # and the default look adds nothing to a link
    assert "look" not in json.loads(base64.urlsafe_b64decode(encode_url(config, View()) + "==="))["view"]


def test_the_look_travels_in_the_url_and_a_bad_one_is_refused():
    config = presets.get("textbook")
    look = Look(size="16:9", font_scale=1.5, theme="dark", transparent=True)
    assert decode_url({"s": encode_url(config, View(look=look))}).view.look == look
    doc = {"v": 1, "config": config.to_dict(), "view": {"tab": "paths", "look": {"theme": "sepia"}}}
    bad = base64.urlsafe_b64encode(json.dumps(doc).encode()).rstrip(b"=").decode()
    assert "invalid export look" in decode_url({"s": bad}).warning


def test_the_look_inputs_change_the_url():
    at = start()
    at.selectbox(key=Key.EXPORT_SIZE).set_value("4:3").run()
    at.selectbox(key=Key.EXPORT_THEME).set_value("dark").run()
    refresh(at)
    assert decode_url({"s": at.query_params["s"]}).view.look == Look(size="4:3", theme="dark")
    other = start(s=at.query_params["s"])
    assert other.session_state[Key.EXPORT_SIZE] == "4:3" and other.session_state[Key.EXPORT_THEME] == "dark"


@pytest.mark.skipif(export.find_browser() is None, reason="needs Chromium (apt-get install chromium)")
def test_make_animation_offers_the_gif():
    at = start()
    at.number_input(key=Key.ANIMATION_HOLD).set_value(2).run()
    at.button(key=Key.ANIMATION_MAKE).click().run()
    assert not at.exception and not at.error, at.error
    wanted, data = at.session_state[Key.ANIMATION_FILE]
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.n_frames, image.size) == ("GIF", 30 + 1 + 2, (1280, 720))
