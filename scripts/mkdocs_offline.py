"""mkdocs hook: the site loads nothing from outside itself.

Police networks are often offline or filtered, so every page must work from the built
folder alone: no web fonts, scripts, stylesheets or images fetched from another host.
Links to external pages in the text are fine (a reader follows them or not).

- The rendered notebook page carries nbconvert's MathJax and Mermaid loaders, which fetch
  from a CDN; the notebook uses neither, so `on_post_page` removes them.
- Every page is then checked: an external URL in what a browser loads by itself (the
  `src`, `srcset`, `data` or `poster` of any element, the `href` of a `<link>` or of an SVG
  `<image>`/`<use>`, `url(...)` and `@import` in CSS, a URL in an inline script) is a
  warning, so `mkdocs build --strict` fails. `on_post_build` checks the site's CSS files.

`tests/test_docs.py` builds the site and runs the same check on the result.
"""

from __future__ import annotations

import html.parser
import logging
import re
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.offline")

_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host
_URL_IN_TEXT = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)
_LOADING_ATTRS = ("src", "data", "poster")
_HREF_LOADS = ("link", "image", "use", "feimage")

# nbconvert's loaders, as mkdocs-jupyter renders them (the notebook uses neither).
_NOTEBOOK_LOADERS = (
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    re.compile(r"<script type=\"module\">(?:(?!</script>).)*?mermaid.*?</script>", re.S),
)


def _external(url: str) -> bool:
    url = url.strip()
    return bool(_EXTERNAL.match(url)) and not url.lower().startswith("data:")


def css_external(css: str) -> list[str]:
    """The external URLs that `url(...)` and `@import` in a stylesheet would load."""
    found = []
    for match in _CSS_URL.finditer(css):
        url = match.group(2) if match.group(2) is not None else match.group(4)
        if url is not None and _external(url):
            found.append(url.strip())
    return found


class _Finder(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LOADING_ATTRS and _external(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if _external(url):
                        self.found.append(f"<{tag} {name}={url!r}>")
            elif name in ("href", "xlink:href") and tag in _HREF_LOADS and _external(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self.found += [f"<{tag} style> url({url!r})" for url in css_external(value)]
        if tag in ("script", "style"):
            self._in = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.found += [f"<style> url({url!r})" for url in css_external(data)]
        elif self._in == "script":
            self.found += [f"<script> {url!r}" for url in _URL_IN_TEXT.findall(data)]


def html_external(page: str) -> list[str]:
    """What an HTML page would load from outside by itself, one entry per reference."""
    finder = _Finder()
    finder.feed(page)
    finder.close()
    return finder.found


def strip_notebook_loaders(page: str) -> str:
    """The notebook page without nbconvert's MathJax and Mermaid loaders."""
    for loader in _NOTEBOOK_LOADERS:
        page = loader.sub("", page)
    return page


def on_post_page(output: str, page: Any, config: Any) -> str:
    if page.file.src_uri.endswith(".ipynb"):
        output = strip_notebook_loaders(output)
    for ref in html_external(output):
        log.warning("%s loads %s from outside the site", page.file.src_uri, ref)
    return output


def on_post_build(config: Any) -> None:
    for css in sorted(Path(config["site_dir"]).rglob("*.css")):
        for url in css_external(css.read_text(encoding="utf-8", errors="replace")):
            log.warning("%s loads %s from outside the site", css.name, url)
