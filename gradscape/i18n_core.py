"""The core's messages in the reader's language.

The core (``surfaces/``, ``optimizers/``) never imports gradscape, so its text stays English
there: hyperparameter help, surface names, the formula parser's and torch's error messages.
This module lists them for the catalogue (``core_messages``, read by ``scripts/messages.py``)
and translates them where they are shown (``core``): a fixed text is a msgid; an error built
from a template (``"unknown name 'z' at column 3"``) is matched against ``TEMPLATES`` and told
again from the translated template with the same fields, its column included.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from gradscape.i18n import N_, _

# The core's message templates, as the core words them; {problem} is itself a core message.
TEMPLATES = (
    N_("{problem} at column {column} (use {names}, pi, e)"),
    N_("{problem} at column {column}"),
    N_("syntax error at column {column} (a number runs into a name: write 2*x, not 2x)"),
    N_("syntax error at column {column}"),
    N_("syntax error: the formula ends too early"),
    N_("unknown name {name}"),
    N_("unknown function {name}"),
    N_("{name} is not a function"),
    N_("{name} is not allowed"),
    N_("function {name} needs an argument"),
    N_("{name}() takes exactly one argument"),
    N_("{name}() takes no keyword arguments"),
    N_("complex numbers are not allowed: {text}"),
    N_("constant overflows: {text}"),
    N_("character {char} is not allowed at column {column}"),
    N_("only ASCII characters are allowed (found {char} at column {column})"),
    N_("unmatched ')' at column {column}"),
    N_("'(' at column {column} is never closed"),
    N_("too many operators in a row at column {column}"),
    N_("missing '*' before '(' at column {column}"),
    N_("formula is empty"),
    N_("formula too long (max {n} characters)"),
    N_("formula nested too deeply"),
    N_("surface.expr: {problem}"),
    N_("Invalid learning rate: {value}"),
    N_("Invalid {name} value: {value}"),
    N_("{where} must be finite, got {value}"),
    N_("{where} must be finite"),
    N_("unknown parameter {name} for {owner}"),
    N_("{where}: {problem}"),          # last: a config path (optimizers[0].params.lr) and a message
)


def core_messages() -> Iterator[tuple[str, str]]:
    """(where, message) for every core message shown to a reader."""
    import optimizers
    import surfaces
    from surfaces.catalogue import SURFACES
    from surfaces.data import SHIPPED
    from surfaces.models import NAMES

    for surface in SURFACES:
        yield "surfaces/catalogue.py", surface.name
    for name in NAMES.values() if isinstance(NAMES, dict) else ():
        if isinstance(name, str):
            yield "surfaces/models.py", name
    for info in SHIPPED.values():
        yield from (("surfaces/data.py", text) for text in (info.title, info.source, info.licence))
    for registry in (optimizers.ALL_OPTIMIZERS, optimizers.SCHEDULERS):
        for cls in registry.values():
            if getattr(cls, "summary", ""):
                yield f"{cls.__module__.replace('.', '/')}.py", cls.summary
            for h in cls.hyperparams:
                if h.help:
                    yield f"{cls.__module__.replace('.', '/')}.py", h.help
                if h.range_text:
                    yield f"{cls.__module__.replace('.', '/')}.py", h.range_text
    yield from (("optimizers/rules.py", note) for note in sorted(set(rule_notes())))
    del surfaces


# Enough options to meet every note the update rules write: momentum plain, dampened and
# Nesterov (SGD's notes differ), a wrapper's inner optimizer (Lookahead, SAM).
_RULE_OPTIONS = ({}, {"momentum": 0.9}, {"momentum": 0.9, "dampening": 0.5},
                 {"momentum": 0.9, "nesterov": True}, {"optimizer": {"name": "SGD", "params": {}}})


def rule_notes() -> Iterator[str]:
    """The notes in words under the update rules (``optimizers.rules``): every optimizer with
    a written rule, with each of ``_RULE_OPTIONS`` it accepts, in every notation."""
    import optimizers
    from optimizers.rules import NOTATIONS, RULES, rule

    for name in RULES:
        for options in _RULE_OPTIONS:
            try:
                optimizer = optimizers.make(name, options)
            except (ValueError, TypeError):
                continue                 # an option this optimizer does not take
            for notation in NOTATIONS:
                if rule(optimizer, notation).note:
                    yield rule(optimizer, notation).note


@lru_cache(maxsize=None)
def _pattern(template: str) -> re.Pattern[str]:
    """A template as a regex: each {field} matches any text (the first field lazily)."""
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(regex + r"\Z", re.S)


def core(message: str) -> str:
    """A core message in the session's language (as given when no template matches)."""
    translated = _(message)
    if translated != message:
        return translated
    for template in TEMPLATES:
        match = _pattern(template).match(message)
        if match:
            fields = match.groupdict()
            if "problem" in fields:
                fields["problem"] = core(fields["problem"])
            return _(template).format(**fields)
    return message


# The words inside the update rules' LaTeX (``\text{...}`` in optimizers/rules.py, a symbol's
# subscript such as \eta_{\text{base}} aside): each is translated where a rule is shown.
FORMULA_WORDS = (
    N_("from the last"), N_("pairs"), N_("strong Wolfe"), N_("else"),
    N_("every"), N_("then"), N_("(cosine, first"), N_("after"), N_("steps without improvement"),
    N_("each scheduler in turn, switching at the milestones"), N_("factor"),
)
_TEXT = re.compile(r"(?<![_{])\\text\{([^{}]*)\}")


def formula(latex: str) -> str:
    r"""A rule's LaTeX with the words of its ``\text{...}`` in the session's language (their
    spaces kept); symbols, numbers and subscripts as they are."""
    def words(match: re.Match[str]) -> str:
        text = match.group(1)
        inner = text.strip()
        if inner not in FORMULA_WORDS:
            return match.group(0)
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
        return "\\text{" + lead + _(inner) + trail + "}"
    return _TEXT.sub(words, latex)


# The Hessian's verdicts on a critical point (surfaces.critical's kinds), shown translated.
KINDS = (N_("minimum"), N_("maximum"), N_("saddle"), N_("degenerate"))
