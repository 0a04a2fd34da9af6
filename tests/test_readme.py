"""The README stays true: it names every surface, optimizer and scheduler, and the two commands;
its optimizer and scheduler tables give each keyword's default and valid range as the
hyperparameter descriptions state them."""
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import optimizers
import surfaces
from optimizers import Hyperparam

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_lists_everything_that_exists():
    for sid in surfaces.names():
        assert f"`{sid}`" in README and surfaces.get(sid).text in README, sid
    for name in [*optimizers.ALL_OPTIMIZERS, *optimizers.SCHEDULERS]:
        assert f"`{name}`" in README, name


def test_readme_gives_the_two_commands():
    assert "make run" in README and "make test" in README


def default_text(value) -> str:
    """A default as Python would echo it, but 1/3 rather than 0.3333333333333333, and a list of
    nested schedulers as [LinearLR(start_factor=0.1, total_iters=10), ...]."""
    if isinstance(value, tuple) and value and all(isinstance(v, dict) for v in value):
        return "[" + ", ".join(f"{v['name']}(" + ", ".join(f"{k}={default_text(x)}" for k, x in
                                                        v["params"].items()) + ")"
                               for v in value) + "]"
    if isinstance(value, float) and len(repr(value)) > 8:
        fraction = Fraction(value).limit_denominator(100)
        if float(fraction) == value and fraction.denominator > 1:
            return f"{fraction.numerator}/{fraction.denominator}"
    return repr(value)


def keyword_text(h: Hyperparam) -> str:
    """`name=default`, then the valid range (none for flags): `lr=0.001` ≥ 0."""
    if h.kind == "optimizer":
        return f"`{h.name}` required: any other optimizer"
    bounds = h.bounds_text()
    return f"`{h.name}={default_text(h.default)}`" + (f" {bounds}" if bounds else "")


def expected_rows(registry) -> list[str]:
    rows = []
    for name, cls in registry.items():
        label = f"`{name}`" + (" (reference, not torch.optim)" if name in optimizers.REFERENCE else "")
        rows.append(f"| {label} | {', '.join(keyword_text(h) for h in cls.hyperparams)} |")
    return rows


def table_rows(header: str) -> list[str]:
    """The body rows of the README table whose header row starts with ``header``."""
    lines = README.splitlines()
    start = next(i for i, line in enumerate(lines) if (line + "\n").startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def test_optimizer_table_gives_defaults_and_ranges():
    own = {name: cls for name, cls in optimizers.ALL_OPTIMIZERS.items()
           if name not in {**optimizers.BEYOND, **optimizers.TEXTBOOK, **optimizers.WRAPPERS}}
    assert table_rows("| optimizer | keyword arguments: default and valid range |\n") == \
        expected_rows(own)


def test_beyond_and_textbook_tables_give_defaults_ranges_and_sources():
    """One row each, in registry order: name and keywords as generated, then a source column."""
    for header, registry in [("| optimizer | keyword arguments: default and valid range | paper",
                              optimizers.BEYOND),
                             ("| wrapper |", optimizers.WRAPPERS),
                             ("| textbook class |", optimizers.TEXTBOOK)]:
        rows = table_rows(header)
        assert len(rows) == len(registry)
        for row, expected in zip(rows, expected_rows(registry)):
            expected = expected.replace(" (reference, not torch.optim) |", " |", 1)
            assert row.startswith(expected + " ") and len(row) > len(expected) + 4, row
    for name, cls in optimizers.BEYOND.items():       # the paper (arXiv) in the source column
        assert "arxiv.org" in next(r for r in table_rows("| optimizer | keyword arguments: "
                                                         "default and valid range | paper")
                                   if r.startswith(f"| `{name}` |"))
    for name in optimizers.WRAPPERS:
        assert "arxiv.org" in next(r for r in table_rows("| wrapper |") if r.startswith(f"| `{name}` |"))


def test_scheduler_table_gives_defaults_and_ranges():
    assert table_rows("| scheduler |") == expected_rows(optimizers.SCHEDULERS)


def test_the_core_imports_neither_streamlit_nor_plotly():
    """The README's promise, in a fresh interpreter: every module of surfaces/ and optimizers/."""
    assert "imports neither streamlit nor plotly" in README
    code = ("import importlib, pkgutil, sys\n"
            "for package in ('surfaces', 'optimizers'):\n"
            "    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + '.'):\n"
            "        importlib.import_module(info.name)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'plotly')))\n")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
