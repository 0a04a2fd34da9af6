"""The README stays true: it names every surface, optimizer and scheduler, and the two commands."""
from pathlib import Path

import optimizers
import surfaces

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_lists_everything_that_exists():
    for sid in surfaces.names():
        assert f"`{sid}`" in README and surfaces.get(sid).text in README, sid
    for name in [*optimizers.OPTIMIZERS, *optimizers.SCHEDULERS]:
        assert f"`{name}`" in README, name


def test_readme_gives_the_two_commands():
    assert "make run" in README and "make test" in README
