"""Every text a reader sees on an AppTest run of the page, and the English words in it.

``visible_text`` walks the element tree: widget labels, help, placeholders and options as the
reader sees them, Markdown, captions, alerts, tab and expander labels, download buttons, the
tables' headers, and every chart's title, axis titles, legend names, hover templates and
annotations. ``english_words`` finds the words of that text that are English and not code.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

import optimizers
from streamlit.testing.v1 import AppTest

# Code a student types or reads in code, names and units: never translated.
CODE = {
    *optimizers.ALL_OPTIMIZERS, *optimizers.SCHEDULERS,
    *(h.name for reg in (optimizers.ALL_OPTIMIZERS, optimizers.SCHEDULERS) for c in reg.values()
      for h in c.hyperparams),
    "AdaGrad", "Momentum", "Nesterov", "Textbook", "torch", "optim", "lr_scheduler", "gradscape", "NumPy",
    "numpy", "pytorch", "PNG", "SVG", "PDF", "HTML", "CSV", "JSON", "GIF", "MP4", "gif", "mp4", "MB", "KB",
    "Chromium", "chromium", "apt", "get", "install", "fonts", "noto", "cjk", "Debian", "DataLoader",
    "default_rng", "seed", "generate", "surfaces", "data", "py", "run", "config", "json", "model",
    "parameters", "AdamW", "OneCycleLR", "opt", "max_lr", "total_steps", "betas", "sin", "cos", "exp",
    "log", "sqrt", "abs", "pi", "eps", "lr", "SGD", "LBFGS", "English", "zh", "Hans", "Hant", "en",
    "Rosenbrock", "Himmelblau", "Beale", "Booth", "Matyas", "Rastrigin", "Ackley", "Goldstein", "Price",
    "Lévi", "McCormick", "Styblinski", "Tang", "Easom", "Eggholder", "Hölder", "Newton", "Schulz",
    "Saitō", "L2", "drop_last", "CC0", "True", "False", "None", "sum", "tanh", "MP4",
    "PageDown", "PageUp", "Home", "End",          # keys as their caps print them (lessons, presentation)
    "Wolfe", "exp_range",                         # a line search's name, CyclicLR's mode
}
# LaTeX ($$ blocks $$ and $inline$): only the words of its \text{...} are read, a symbol's
# subscript (\eta_{\text{base}}) aside; the rest is symbols.
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
MATH_TEXT = re.compile(r"(?<![_{])\\text\{([^{}]*)\}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def _title(value: Any) -> str:
    """A Plotly title's text (a string, or {"text": ..., "side": ...})."""
    return value.get("text", "") if isinstance(value, dict) else str(value or "")


def _figure_text(fig: dict) -> Iterator[str]:
    """A Plotly figure's words: title, axis, legend and colour-bar titles, trace names, hover
    templates, annotations."""
    layout = fig.get("layout", {})
    for key, value in layout.items():
        if key == "title":
            yield _title(value)
        elif key.startswith(("xaxis", "yaxis", "legend")) and isinstance(value, dict):
            yield _title(value.get("title"))
    for axis in ("xaxis", "yaxis", "zaxis"):
        yield _title(layout.get("scene", {}).get(axis, {}).get("title"))
    for note in layout.get("annotations", []):
        yield note.get("text", "")
    for trace in fig.get("data", []):
        hidden = trace.get("hoverinfo") in ("none", "skip") or "<extra></extra>" in str(trace.get("hovertemplate"))
        if trace.get("showlegend", True) is not False or not hidden:     # the name is shown
            yield str(trace.get("name", "") or "")
        yield str(trace.get("hovertemplate", "") or "")
        yield _title(trace.get("colorbar", {}).get("title"))


FIELDS = ("label", "help", "placeholder", "body", "value", "text")


def visible_text(at: AppTest) -> list[str]:
    """Everything the page shows in words (see the module's docstring)."""
    out: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is not None and kind != "html":       # the page's CSS
            for field in FIELDS:
                if hasattr(proto, field):
                    try:
                        value = getattr(proto, field)
                    except AttributeError:
                        continue
                    if isinstance(value, str) and kind not in ("text_input", "text_area", "number_input") \
                            or field != "value":
                        if isinstance(value, str):
                            out.append(value)
            if kind == "selectbox" or kind == "multiselect":
                out.extend(node.options)
            if kind == "plotly_chart":
                out.extend(_figure_text(json.loads(proto.spec)))
            if kind == "bidi_component" and proto.json:
                data = json.loads(proto.json)
                if "figure" in data:
                    out.extend(_figure_text(json.loads(data["figure"])))
            if kind == "arrow_data_frame":
                out.extend(str(c) for c in node.value.columns)
        for child in getattr(node, "children", {}).values() if isinstance(getattr(node, "children", None), dict) else []:
            walk(child)

    walk(at._tree)
    return out


WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ0-9_]+")    # Latin letters, not × or ÷


def english_words(texts: list[str]) -> set[str]:
    """The English words of ``texts``: runs of two or more Latin letters that are not code
    names (``CODE``), after dropping HTML tags and entities, Plotly's %{...} fields, LaTeX ($$
    blocks $$ and $inline$ formulas, all but the words of their \\text{...}), URLs and
    `code spans`."""
    found = set()
    for text in texts:
        text = re.sub(r"\\([^\w\s]|_)", r"\1", str(text or ""))         # Markdown's escapes
        text = MATH.sub(lambda math: " " + " ".join(MATH_TEXT.findall(math.group(0))) + " ", text)
        text = re.sub(r"%\{[^}]*\}|<[^>]+>|&\w+;|\\[A-Za-z]+|`[^`]*`|https?://\S+|[\w./-]+\.py\b|:material/[a-z_]+:|:(?:red|green|blue|orange|violet|gray|grey|rainbow|primary)\[", " ", text, flags=re.S)
        text = re.sub(r"\b[\w.]+\([^)]*\)", " ", text)          # a call, e.g. torch.optim.AdamW(…)
        for word in WORD.findall(text):
            if word not in CODE and word.lower() not in CODE:
                found.add(word)
    return found
