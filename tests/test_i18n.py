"""The catalogues (every message translated, placeholders kept, the seeds' terms), the
language mechanism, the core's messages told again in Chinese, and exports in Chinese.

Placeholders are compared as sets of ``{name}`` fields; terms are the glossary's
(``gradscape/locale/glossary.csv``, from the seeds in /work/shared/reference/seeds/).
"""
from __future__ import annotations

import csv
import re
import string
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from gradscape import i18n, presets
from gradscape.i18n import LANGUAGES, _, catalogue_path, from_browser, set_language, translate
from gradscape.i18n_core import core

ROOT = Path(__file__).resolve().parents[1]
CHINESE = LANGUAGES[1:]
HAN = re.compile(r"[\u4e00-\u9fff]")


def catalogue(lang: str):
    with catalogue_path(lang).open("rb") as po:
        return read_po(po, locale=lang.replace("-", "_"))


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


@pytest.fixture(autouse=True)
def english_after():
    yield
    set_language("en")


# --- the catalogues -------------------------------------------------------------------------

@pytest.mark.parametrize("lang", CHINESE)
def test_every_message_is_translated_with_its_placeholders(lang):
    cat = catalogue(lang)
    messages = [m for m in cat if m.id]
    assert len(messages) > 500
    assert not [m.id for m in messages if not m.string], "untranslated"
    assert not [m.id for m in messages if m.fuzzy], "fuzzy (a changed message): translate it, drop the flag"
    assert not [m.id for m in messages if fields(m.id) != fields(m.string)], "placeholders differ"
    worded = [m for m in messages if re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}|\w*_\w*", " ", m.id))]
    assert not [m.id for m in worded if not HAN.search(m.string)], "a message in words left in English"


def test_the_catalogues_hold_every_message_of_the_code():
    """``make messages`` was run: the template and both catalogues list what the code asks for."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from messages import template
    finally:
        sys.path.pop(0)
    wanted = {m.id for m in template() if m.id}
    for lang in CHINESE:
        have = {m.id for m in catalogue(lang) if m.id}
        assert wanted - have == set(), f"run `make messages` and translate ({lang})"


GLOSSARY = list(csv.DictReader((ROOT / "gradscape/locale/glossary.csv").open(encoding="utf-8")))
CODE_NAMES = re.compile(r"\{\w+\}|pytorch-optimizer|lion-pytorch|lr_scheduler|torch\.optim\S*|`[^`]*`")


def test_the_glossary_has_the_seeds_terms():
    terms = {row["en"]: (row["zh-Hans"], row["zh-Hant"]) for row in GLOSSARY}
    assert terms["learning rate"] == ("学习率", "學習率")
    assert terms["stochastic gradient descent"] == ("随机梯度下降法", "隨機梯度下降法")
    for en in ("momentum", "mini-batch", "saddle", "Hessian", "local minimum", "learning rate decay"):
        assert en in terms
    seeds = Path("/work/shared/reference/seeds")
    if seeds.exists():
        simplified = "".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("00[0124]_*.txt")))
        for term in ("学习率", "动量", "随机梯度下降法", "小批量", "鞍点", "局部最小值", "学习率衰减"):
            assert term in simplified and term in {row["zh-Hans"] for row in GLOSSARY}
        traditional = next(seeds.glob("003_*.txt")).read_text(encoding="utf-8")
        assert "隨機梯度下降法" in traditional and "參數" in traditional


@pytest.mark.parametrize("lang", CHINESE)
def test_every_translation_uses_the_glossarys_terms(lang):
    """Wherever a message says a glossary term (a whole word, any case; placeholders and code
    names aside), its translation says the term's Chinese."""
    wrong = []
    for m in catalogue(lang):
        text = CODE_NAMES.sub(" ", m.id or "")
        for row in GLOSSARY:
            if re.search(rf"\b{re.escape(row['en'])}\b", text, re.I) and row[lang] not in m.string:
                wrong.append((row["en"], m.id[:60], m.string[:40]))
    assert wrong == []


# --- the mechanism --------------------------------------------------------------------------

@pytest.mark.parametrize("locale, lang", [
    ("zh-CN", "zh-Hans"), ("zh-SG", "zh-Hans"), ("zh", "zh-Hans"), ("zh-Hans-CN", "zh-Hans"),
    ("zh-TW", "zh-Hant"), ("zh-HK", "zh-Hant"), ("zh-MO", "zh-Hant"), ("zh_TW", "zh-Hant"),
    ("zh-Hant", "zh-Hant"), ("en-US", "en"), ("ja-JP", "en"), ("", "en"), (None, "en")])
def test_the_browsers_language_picks_ours(locale, lang):
    assert from_browser(locale) == lang


def test_a_message_in_each_language():
    assert _("Learning rate") == "Learning rate"
    set_language("zh-Hans")
    assert _("Learning rate") == "学习率"
    assert _("Step {k} of nothing we know") == "Step {k} of nothing we know"     # not in the catalogue
    set_language("zh-Hant")
    assert _("Learning rate") == "學習率"
    set_language("fr")
    assert i18n.language() == "en"


def test_the_language_is_per_thread():
    """Streamlit runs each session in its own thread: one session's choice is not another's."""
    set_language("zh-Hant")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(_("Learning rate")))
    thread.start()
    thread.join()
    assert seen == ["Learning rate"] and _("Learning rate") == "學習率"


def test_a_cache_keeps_one_value_per_language():
    from gradscape.cache import memo
    calls = []

    @memo(4)
    def label(x):
        calls.append(x)
        return _("Learning rate")

    assert label(1) == "Learning rate"
    set_language("zh-Hans")
    assert label(1) == "学习率" and label(1) == "学习率"
    assert calls == [1, 1]


def test_a_presets_title_and_labels_follow_the_language():
    set_language("zh-Hans")
    assert presets.title("learning_rates").startswith("学习率过小")
    assert [line.label for line in presets.get("learning_rates").lines][0] == "lr 0.01：过小"
    assert [line.label for line in presets.get("textbook").lines] == ["SGD", "Momentum", "AdaGrad", "Adam"]


def test_a_lesson_steps_labels_and_its_links_warning_follow_the_language():
    from gradscape.page import lessons
    from gradscape.page.url import decode_url
    first = lessons.Place("minibatch", 0)           # its line: the preset's "batch GD (50 rows)"
    assert [line.label for line in lessons.step_of(first).config.lines] == ["batch GD (50 rows)"]
    set_language("zh-Hans")
    assert [line.label for line in lessons.step_of(first).config.lines] == [_("batch GD (50 rows)")]
    assert HAN.search(_("batch GD (50 rows)"))
    warning = decode_url({"lesson": "saddle", "step": "99"}).warning
    assert HAN.search(warning) and "saddle" in warning and "99" in warning
    assert HAN.search(decode_url({"lesson": "nosuchlesson"}).warning)


# --- the core's messages --------------------------------------------------------------------

def _notes_in_the_source() -> set[str]:
    """Every note optimizers/rules.py writes, read from its text: Rule's third argument, a
    ``note=`` keyword, a ``note = ...`` assignment (each string in them)."""
    import ast
    tree = ast.parse((ROOT / "optimizers/rules.py").read_text(encoding="utf-8"))
    spots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Rule" and len(node.args) > 2:
            spots.append(node.args[2])
        if isinstance(node, ast.Call):
            spots += [k.value for k in node.keywords if k.arg == "note"]
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "note" for t in node.targets):
            spots.append(node.value)

    def texts(node):                    # its string constants, a condition's ("torch") aside
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
            yield node.value
        elif not isinstance(node, ast.Compare):
            for child in ast.iter_child_nodes(node):
                yield from texts(child)
    return {text for spot in spots for text in texts(spot)}


def test_every_note_of_the_update_rules_is_collected_and_translated():
    from gradscape.i18n_core import rule_notes
    assert set(rule_notes()) == _notes_in_the_source()
    for lang in CHINESE:
        assert all(HAN.search(translate(note, lang)) for note in rule_notes())


def test_a_formula_error_keeps_its_column_in_chinese():
    from surfaces.expr import FormulaError, parse
    with pytest.raises(FormulaError) as caught:
        parse("x^2 + z")
    message = str(caught.value)
    assert message == "unknown name 'z' at column 7 (use x, y, pi, e)"
    set_language("zh-Hans")
    assert core(message) == "未知的名字 'z'，位于第 7 列（可用 x, y、pi、e）"
    set_language("zh-Hant")
    assert "第 7 欄" in core(message) and "未知的名字" in core(message)     # Taiwan: a column is 欄


def test_torchs_own_error_in_chinese_keeps_the_value():
    import optimizers
    with pytest.raises(ValueError) as caught:
        optimizers.make("SGD", {"lr": -1.0})
    set_language("zh-Hans")
    assert core(str(caught.value)) == "无效的学习率：-1.0"
    assert core("not a message we know") == "not a message we know"


def test_the_words_in_the_rules_latex_are_translated():
    """Every worded \\text{...} of optimizers/rules.py (a subscript such as \\eta_{\\text{base}}
    aside) is one of ``FORMULA_WORDS`` or code; ``formula`` tells it in the reader's language."""
    from gradscape.i18n_core import FORMULA_WORDS, formula
    source = (ROOT / "optimizers/rules.py").read_text(encoding="utf-8")
    worded = {text.strip() for text in re.findall(r"(?<![_{])\\text\{([^{}]*)\}", source)
              if re.search("[A-Za-z]{2}", text) and '"' not in text}      # '"': a value, filled in
    assert worded - set(FORMULA_WORDS) == {r"(exp\_range)", r"max\_iter"}     # code
    assert set(FORMULA_WORDS) <= worded
    latex = r"\max(\gamma \eta_{t-1}, \eta_{\min}) \text{ after } p \text{ steps without improvement}"
    assert formula(latex) == latex
    set_language("zh-Hans")
    assert formula(latex) == r"\max(\gamma \eta_{t-1}, \eta_{\min}) \text{ 在 } p \text{ 步没有改善之后}"
    assert formula(r"\eta_{\text{base}}") == r"\eta_{\text{base}}"


def test_hyperparameter_help_is_translated_and_keywords_stay():
    import optimizers
    adam = optimizers.ALL_OPTIMIZERS["Adam"]
    betas = next(h for h in adam.hyperparams if h.name == "betas")
    set_language("zh-Hans")
    assert HAN.search(core(betas.help)) and "β1" in core(betas.help)
    assert betas.name == "betas"            # the keyword a student types is not translated


# --- exports --------------------------------------------------------------------------------

def test_the_machine_has_a_chinese_font():
    from gradscape.figures.export import has_cjk_font
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert has_cjk_font() == bool(listed.strip())
    assert has_cjk_font(), "install fonts-noto-cjk (the README's install section)"


@pytest.mark.chromium
@pytest.mark.parametrize("lang, title", [("zh-Hans", "教科书中的图"), ("zh-Hant", "教科書中的圖")])
def test_an_svg_export_writes_chinese(lang, title):
    """The SVG holds the Chinese text as text, in the Noto CJK family of its script."""
    from gradscape.experiment import simulate
    from gradscape.figures import to_bytes, trajectory_figure
    set_language(lang)
    fig = trajectory_figure(simulate(presets.get("textbook")), overlay=True, title=presets.title("textbook"))
    svg = to_bytes(fig, "svg").decode("utf-8")
    assert title in svg
    assert ("起点" if lang == "zh-Hans" else "起點") in svg           # the legend's "start"
    assert "Noto Sans CJK " + ("SC" if lang == "zh-Hans" else "TC") in svg


@pytest.mark.chromium
def test_the_cli_renders_in_chinese(tmp_path):
    out = tmp_path / "figure.svg"
    done = subprocess.run([sys.executable, "-m", "gradscape.cli", "render", "--preset", "saddle", "--overlay",
                           "--lang", "zh-Hans", "-o", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    svg = out.read_text(encoding="utf-8")
    assert "鞍点 x² − y²：谁能逃出去？" in svg and "起点" in svg
    assert "warning" not in done.stderr


def test_the_cli_refuses_an_unknown_language(tmp_path):
    done = subprocess.run([sys.executable, "-m", "gradscape.cli", "render", "--preset", "saddle", "--lang", "fr",
                           "-o", str(tmp_path / "x.svg")], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "--lang" in done.stderr
