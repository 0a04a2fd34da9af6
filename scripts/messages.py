"""Extract every message into ``gradscape/locale/gradscape.pot`` and update the catalogues.

    python scripts/messages.py          (or ``make messages``)

1. Babel extracts every ``_("...")`` and ``N_("...")`` of ``gradscape/`` and ``app.py``.
2. The core (``surfaces/``, ``optimizers/``) does not import gradscape, so it cannot mark its
   messages; they are collected by introspection (``gradscape.i18n_core.core_messages``): every
   hyperparameter's help, every surface's name, the formula parser's error templates.
3. Each ``.po`` file is updated from the template as ``pybabel update`` does: translations kept,
   new messages added empty, a changed message kept as a fuzzy guess (a fuzzy message is not
   shown: translate it and drop the flag), vanished messages dropped.

Then translate the empty and fuzzy entries; ``tests/test_i18n.py`` fails until every message of
both Chinese catalogues is translated.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gradscape.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, catalogue_path  # noqa: E402
from gradscape.i18n_core import core_messages  # noqa: E402

KEYWORDS = {"_": None, "N_": None}


def template() -> Catalog:
    """Every message of the product, with where it comes from."""
    pot = Catalog(project="gradscape", charset="utf-8", fuzzy=False)
    found = [(f"gradscape/{name}", line, msg, comments)
             for name, line, msg, comments, _ in extract_from_dir(
                 ROOT / "gradscape", keywords=KEYWORDS, comment_tags=("TRANSLATORS:",))]
    found += [("app.py", line, msg, comments)
              for line, msg, comments, _ in extract_from_file("python", ROOT / "app.py", keywords=KEYWORDS)]
    for where, line, message, comments in found:
        pot.add(message, locations=[(where, line)], auto_comments=comments)
    for where, message in core_messages():
        pot.add(message, locations=[(where, 0)])
    return pot


def main() -> None:
    pot = template()
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as out:
        write_po(out, pot, width=100, omit_header=False)
    for lang in LANGUAGES[1:]:
        path = catalogue_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        locale = lang.replace("-", "_")
        if path.exists():
            with path.open("rb") as po:
                catalog = read_po(po, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="gradscape", charset="utf-8")
        catalog.update(pot, no_fuzzy_matching=False)
        with path.open("wb") as out:
            write_po(out, catalog, width=100, ignore_obsolete=True)
        missing = sum(1 for m in catalog if m.id and (not m.string or m.fuzzy))
        print(f"{lang}: {len(catalog)} messages, {missing} to translate ({path.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
