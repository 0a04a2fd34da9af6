"""Words and numbers the page shows: escaped user text, numbers, a run described. No Streamlit.

Streamlit renders labels, captions and messages as Markdown; text that came from a user (labels,
formulas, names in a URL) goes through ``md_escape`` before it is shown.
"""
from __future__ import annotations

import math
import re
import string
from typing import Any

import optimizers
from gradscape.experiment import Part, Run

from gradscape.i18n import _

from .form import hyperparams

_MD_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


def md_escape(text: str) -> str:
    """Text shown literally by Markdown: every ASCII punctuation backslash-escaped, one line.

    Escaping also disarms links, images, emphasis, LaTeX ($) and :material/icons:.
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def fmt(value: float | None) -> str:
    """A number for tables and captions: 4 significant digits, "—" for None or non-finite."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.4g}"


def tex(value: float, digits: int = 4) -> str:
    """A number in LaTeX: ``digits`` significant digits, powers of ten as ×10^k."""
    if not math.isfinite(value):
        return r"\text{" + str(value) + "}"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def describe(run: Run) -> str:
    """ "SGD lr=0.1, momentum=0.9 + StepLR(step_size=50)": the settings that differ from torch's."""
    text = f"{run.optimizer.name} {_differing('opt', run.optimizer)}".strip()
    if run.scheduler is not None:
        text += f" + {run.scheduler.name}({_differing('sched', run.scheduler)})"
    return text


def headline(run: Run) -> str:
    """ "Momentum: SGD lr=0.1, momentum=0.9", or "SGD lr=0.95" when the label is the class."""
    text = describe(run)
    return text if text.split(" ")[0] == run.label else f"{run.label}: {text}"


def divergence_note(label: str, reason: str, k: int) -> str:
    """Words for a run that stopped: what happened, what is drawn, what usually helps."""
    drawn = (_("it has no finite point to draw") if k == 0 else
             _("it is drawn up to step {k}, its last finite point, marked ×").format(k=k - 1))
    return _("{label}: {reason}. Its position, loss or gradient stopped being a finite number; "
             "{drawn}. A smaller lr usually keeps it on the surface.").format(label=label, reason=reason,
                                                                              drawn=drawn)


def _differing(role: str, part: Part) -> str:
    """ "lr=0.1, momentum=0.9": lr, and every keyword argument that is not torch's default."""
    defaults = {h.name: h.default for h in hyperparams(role, part.name)}
    return ", ".join(f"{k}={_short(v)}" for k, v in part.params
                     if k == "lr" or _flat(v) != _flat(defaults.get(k)))


def _flat(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


def _short(value: Any) -> str:
    if isinstance(value, Part):           # a composite's scheduler, a wrapper's optimizer
        role = "sched" if value.name in optimizers.SCHEDULERS else "opt"
        return f"{value.name}({_differing(role, value)})"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_short(v) for v in value) + ")"
    return f"{value:g}" if isinstance(value, float) else str(value)
