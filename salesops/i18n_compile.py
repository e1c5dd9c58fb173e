"""Compile locale/*/LC_MESSAGES/django.po into .mo without GNU gettext.

The compiled catalogues are committed, so neither `make run` nor `make test`
needs gettext; `make messages` re-extracts (that step does need gettext)
and then runs this.
"""

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_all() -> list[Path]:
    written = []
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        catalogue = polib.pofile(str(po_path))
        # makemessages marks the header fuzzy every time; it is not a translation.
        catalogue.metadata_is_fuzzy = False
        catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        written.append(po_path.with_suffix(".mo"))
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
    sys.exit(0)
