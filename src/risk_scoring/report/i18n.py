"""Fixed report strings in bokmål and English, and dates and numbers per locale.

Message ids are the English strings; the bokmål translations live in a gettext
catalogue, ``locale/nb/LC_MESSAGES/messages.po``, read with Babel on first use.
Instrument wording (item titles, level names, measure texts) is *not* here: it lives
in the YAML definitions beside the rules it belongs to.

Strings are marked in the templates with ``_("...")`` and in Python with ``N_("...")``.
After adding or changing one, bring the catalogue up to date and translate the new
entries (the test suite fails while any is missing or stale)::

    python -m risk_scoring.report.i18n        # extract, merge into messages.po, list untranslated

Babel is imported lazily so that ``import risk_scoring`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LANGUAGES = ("nb", "en")
"""Report languages: Norwegian bokmål and English."""

SOURCE_LANGUAGE = "en"
"""The language of the message ids; it needs no catalogue."""

BABEL_LOCALES = {"nb": "nb_NO", "en": "en_GB"}
"""The CLDR locale used for dates and numbers in each language (British English for `en`)."""

PACKAGE = Path(__file__).parent
LOCALE_DIR = PACKAGE / "locale"
TEMPLATE_DIR = PACKAGE / "templates"
DOMAIN = "messages"

PYTHON_SOURCES = (
    "static.py",
    "explain.py",
    "build.py",
    "record_view.py",
    "record_plan.py",
    "appendix.py",
    "disagreements.py",
    "running.py",
    "render.py",
    "pdf.py",
    "describe.py",
    "condition_words.py",
    "outcome.py",
)

_lock = threading.Lock()


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it here."""
    return message


def po_path(lang: str) -> Path:
    """Where the catalogue for `lang` lives."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> Catalog:
    """The Babel catalogue for `lang`, read from its .po file."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang, domain=DOMAIN)


@cache
def messages(lang: str) -> Mapping[str, str]:
    """Message id → translation for `lang`; empty for the source language.

    Untranslated and fuzzy entries are left out, so they fall back to the English id.
    """
    if lang == SOURCE_LANGUAGE:
        return {}
    with _lock:
        catalogue = read_catalogue(lang)
    return {
        str(m.id): str(m.string)
        for m in catalogue
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string
        if not m.fuzzy
    }


def translate(lang: str, message: str) -> str:
    """`message` in `lang` (the English id itself when there is no translation)."""
    return messages(lang).get(message, message)


def date_text(text: str | None, lang: str, clean: Callable[[str], str]) -> str | None:
    """An ISO date in words; anything else as the (cleaned) text it is; None for none."""
    if not text:
        return None
    try:
        return format_date(dt.date.fromisoformat(text), lang)
    except ValueError:
        return clean(text)


@cache
def _locale(lang: str) -> object:
    from babel import Locale

    return Locale.parse(BABEL_LOCALES[lang])


@lru_cache(maxsize=4096)
def format_date(value: dt.date | str, lang: str) -> str:
    """A date the way `lang` writes it in running text: ``22. november 2026``."""
    from babel.dates import format_date as babel_format_date

    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return babel_format_date(value, "long", locale=_locale(lang))  # type: ignore[arg-type]


@lru_cache(maxsize=1024)
def format_datetime(value: dt.datetime, lang: str) -> str:
    """A date and time with its time zone when known: ``22. november 2026, 14:03 UTC``."""
    from babel.dates import format_time

    time = format_time(value, "HH:mm", locale=_locale(lang))  # type: ignore[arg-type]
    zone = value.tzname() if value.tzinfo is not None else None
    return f"{format_date(value.date(), lang)}, {time}" + (f" {zone}" if zone else "")


@lru_cache(maxsize=4096)
def format_number(value: float | int, lang: str) -> str:
    """A number with the decimal sign and digit grouping of `lang`: ``12,5`` in bokmål."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.##", locale=_locale(lang))  # type: ignore[arg-type]


# --- maintenance: extract the marked strings and merge them into the catalogues --------


def extract() -> Catalog:
    """Every string marked in the templates and report modules, as a fresh catalogue."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_file
    from jinja2.ext import babel_extract

    catalogue = Catalog(domain=DOMAIN, project="risk_scoring")

    def found() -> Iterator[tuple[Path, int, str | tuple[str, ...], list[str]]]:
        for path in sorted(TEMPLATE_DIR.glob("*.j2")):
            for lineno, message, comments, _context in extract_from_file(
                babel_extract,  # type: ignore[arg-type]
                str(path),
                keywords={"_": None, "gettext": None},
                options={"trimmed": "true"},
            ):
                yield path, lineno, message, comments
        for name in PYTHON_SOURCES:
            for lineno, message, comments, _context in extract_from_file(
                "python", str(PACKAGE / name), keywords={"N_": None}
            ):
                yield PACKAGE / name, lineno, message, comments

    for path, lineno, message, comments in found():
        catalogue.add(
            message,
            locations=[(path.relative_to(PACKAGE).as_posix(), lineno)],
            auto_comments=comments,
        )
    return catalogue


def update(lang: str) -> list[str]:
    """Merge the extracted strings into `lang`'s catalogue; return the untranslated ids."""
    from babel.messages.pofile import write_po

    catalogue = read_catalogue(lang)
    created = catalogue.creation_date
    catalogue.update(extract(), no_fuzzy_matching=True)
    catalogue.obsolete.clear()
    # A stable header, so that re-running changes nothing unless a message changed.
    catalogue.creation_date = catalogue.revision_date = created
    catalogue.last_translator = "risk_scoring developers"
    catalogue.language_team = "risk_scoring developers"
    catalogue.msgid_bugs_address = ""
    with po_path(lang).open("wb") as handle:
        write_po(handle, catalogue, width=100, include_lineno=False, sort_output=False)
    messages.cache_clear()
    return [str(m.id) for m in catalogue if m.id and not m.string]


def main() -> None:  # pragma: no cover - a maintainer's command
    for lang in LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        missing = update(lang)
        print(f"{po_path(lang)}: {len(missing)} untranslated")
        for message in missing:
            print(f"  {message}")


if __name__ == "__main__":  # pragma: no cover
    main()
