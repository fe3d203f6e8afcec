"""What the tests need from the operating system, and what to install when it is missing.

`pip` brings every Python package the suite uses; a few tests also need the operating
system's packages. Where one is missing, those tests are skipped with a reason that names
the Debian package, never failed: a new machine's `make test` is green, and the skip
summary (`pytest -ra`) says what was not tested and how to get it.

- PDF reports (`tests/test_report.py`) need WeasyPrint's libraries: Pango, HarfBuzz
  with its subsetter, fontconfig with at least one font. Debian/Ubuntu:
  `apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`.
- HTML reports in a browser (`tests/test_report_browser.py`) need headless Chromium.
  Debian/Ubuntu: `apt-get install chromium`.

The libraries are looked for the way WeasyPrint loads them (by these names, through the
dynamic loader), without importing WeasyPrint: its import warns or fails when one is
missing, and the suite turns every warning into an error.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
import shutil

# (names WeasyPrint tries, Debian package). The first name of each is the Linux soname.
WEASYPRINT_LIBRARIES = (
    (("libgobject-2.0.so.0", "libgobject-2.0-0", "libgobject-2.0.0.dylib"), "libglib2.0-0"),
    (("libpango-1.0.so.0", "libpango-1.0-0", "libpango-1.0.dylib"), "libpango-1.0-0"),
    (("libharfbuzz.so.0", "libharfbuzz-0", "libharfbuzz.0.dylib"), "libharfbuzz0b"),
    (
        ("libharfbuzz-subset.so.0", "libharfbuzz-subset-0", "libharfbuzz-subset.0.dylib"),
        "libharfbuzz-subset0",
    ),
    (("libfontconfig.so.1", "libfontconfig-1", "libfontconfig.1.dylib"), "libfontconfig1"),
    (("libpangoft2-1.0.so.0", "libpangoft2-1.0-0", "libpangoft2-1.0.dylib"), "libpangoft2-1.0-0"),
)
FONT_PACKAGE = "fonts-dejavu-core"
PDF_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
CHROMIUM_PACKAGE = "chromium"


def _load(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


class _FcFontSet(ctypes.Structure):
    _fields_ = (("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p))


def _font_count(fontconfig: ctypes.CDLL) -> int:
    """How many fonts fontconfig finds (WeasyPrint warns when there are none)."""
    fontconfig.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fontconfig.FcConfigGetFonts.restype = ctypes.POINTER(_FcFontSet)
    fontconfig.FcConfigGetFonts.argtypes = (ctypes.c_void_p, ctypes.c_int)
    fontconfig.FcConfigDestroy.argtypes = (ctypes.c_void_p,)
    config = fontconfig.FcInitLoadConfigAndFonts()
    if not config:
        return 0
    try:
        fonts = fontconfig.FcConfigGetFonts(config, 0)  # FcSetSystem
        return fonts.contents.nfont if fonts else 0
    finally:
        fontconfig.FcConfigDestroy(config)


def missing_weasyprint_packages() -> list[str]:
    """The Debian packages WeasyPrint needs that are not installed here, in install order."""
    missing = []
    fontconfig = None
    for names, package in WEASYPRINT_LIBRARIES:
        library = _load(names)
        if library is None:
            missing.append(package)
        elif package == "libfontconfig1":
            fontconfig = library
    if fontconfig is not None and _font_count(fontconfig) == 0:
        missing.append(FONT_PACKAGE)
    return missing


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@functools.cache
def pdf_unavailable() -> str | None:
    """None if the PDF tests can run here, else why not and what to install."""
    if not _installed("weasyprint"):
        return "WeasyPrint is not installed (pip install -e '.[pdf]')"
    if not _installed("pypdf"):
        return "pypdf is not installed (pip install -e '.[dev]')"
    missing = missing_weasyprint_packages()
    if missing:
        return (
            "WeasyPrint's system libraries are missing "
            f"(Debian/Ubuntu: apt-get install {' '.join(missing)})"
        )
    return None


def chromium() -> str | None:
    """The path of a headless-capable Chromium, or None."""
    return next((p for n in ("chromium", "chromium-browser") if (p := shutil.which(n))), None)


CHROMIUM_MISSING = (
    f"headless Chromium is not installed (Debian/Ubuntu: apt-get install {CHROMIUM_PACKAGE})"
)
