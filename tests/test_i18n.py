"""Every user-facing string is in the Chinese catalogue, translated, and compiled."""

import ast
import re
from pathlib import Path

import polib
from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = ["salesops", "targets", "activities", "renewals", "bancassurance", "dashboards"]
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
QUOTED = r"u?('(?:[^'\\]|\\.)*')"
# pgettext's first argument is the context, its message the second.
TEMPLATE_CALL = re.compile(rf"\b(n?gettext|pgettext)\(\s*{QUOTED}(?:\s*,\s*{QUOTED})?")
CONTEXT_FIRST = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def python_msgids():
    for directory in SOURCE_DIRS:
        for path in (ROOT / directory).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in GETTEXT_NAMES:
                    args = node.args[1:] if node.func.id in CONTEXT_FIRST else node.args
                    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                        yield args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}"


def template_msgids():
    for path in (ROOT / "templates").rglob("*.html"):
        # Django's own template lexer, as `makemessages` uses it.
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for match in TEMPLATE_CALL.finditer(code):
            message = match.group(3) if match.group(1) == "pgettext" else match.group(2)
            yield ast.literal_eval(message), str(path.relative_to(ROOT))


def test_every_string_in_the_code_is_in_the_catalogue():
    catalogue = {entry.msgid for entry in polib.pofile(str(PO))}
    missing = sorted(
        {f"{msgid!r} ({where})" for msgid, where in [*python_msgids(), *template_msgids()] if msgid not in catalogue}
    )
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)


def test_every_entry_is_translated_and_not_fuzzy():
    po = polib.pofile(str(PO))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []
    assert len(po.translated_entries()) > 50


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo}
    for entry in po.translated_entries():
        assert compiled.get((entry.msgctxt, entry.msgid)) == (
            entry.msgstr,
            tuple(sorted(entry.msgstr_plural.items())),
        ), entry.msgid


def test_the_settings_offer_chinese_first():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
