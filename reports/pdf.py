"""HTML to PDF with WeasyPrint, fetching nothing but the project's static files.

The HTML links its stylesheet as /static/...; we give WeasyPrint a base URL on
a reserved, never-resolving host (.invalid, RFC 2606) and a fetcher that maps
that host's /static/ paths to files found by Django's staticfiles finders. Every
other URL (http, https elsewhere, file:// outside the static folders, data:,
ftp ...) is refused. Nothing goes through urllib, so there are no redirects.
"""

import gc
import mimetypes
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pydyf
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports import tag_tree

STATIC_ORIGIN = "https://static.invalid"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


class BlockedURL(ValueError):
    """A paper asked for something outside the project's static files."""


def static_roots():
    roots = [Path(path) for path in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def _inside_static(path):
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(root) for root in static_roots()) and resolved.is_file()


def _collected(relative):
    if not settings.STATIC_ROOT:
        return None
    path = Path(settings.STATIC_ROOT) / relative
    return path if path.is_file() else None


def resolve_static_url(url):
    """The file a URL names, if it is one of the project's static files; else BlockedURL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        path = Path(unquote(parts.path))
        if parts.netloc not in ("", "localhost") or not _inside_static(path):
            raise BlockedURL(f"Only the project's static files may be fetched, not {url}")
        return path.resolve()
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if f"{scheme}://{parts.netloc}" != STATIC_ORIGIN or not parts.path.startswith(prefix) or parts.query:
        raise BlockedURL(f"Only the project's static files may be fetched, not {url}")
    relative = unquote(parts.path.removeprefix(prefix))
    found = None
    if ".." not in Path(relative).parts:
        # A content-hashed name (DEBUG off) exists only in STATIC_ROOT, as collected.
        found = finders.find(relative) or _collected(relative)
    if not found or not _inside_static(found):
        raise BlockedURL(f"No such static file: {url}")
    return Path(found).resolve()


class StaticOnlyFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False)

    def fetch(self, url, headers=None):
        path = resolve_static_url(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _page_references(self):
    # pydyf rebuilds the tuple of all page references on every access, and
    # WeasyPrint's tagging reads it once per tagged element: quadratic in the
    # page count (most of the time of a 170-page register). Same tuple, cached
    # until a page is added.
    kids = self.pages["Kids"]
    cached = self.__dict__.get("_page_references_cache")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        self.__dict__["_page_references_cache"] = cached
    return cached[1]


pydyf.PDF.page_references = property(_page_references)
# WeasyPrint's tag tree, mended for PDF/UA (reports/tag_tree.py explains what and why).
tag_tree.install()

# Fonts are parsed once per process, not once per paper.
_font_config = None


def font_config():
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


class _CollectorPause:
    """Pause Python's cyclic garbage collector while WeasyPrint renders.

    A long pack builds hundreds of thousands of boxes that all live until the
    PDF is written, and the collector scans them again and again for nothing:
    a fifth of a 200-risk pack's time (bench/bench_papers.py). Reference
    counting still frees memory as usual, and one full collection at the end
    frees the render's cycles (about 0.4 s for that pack, counted in its time).

    The pause is process-wide: renders overlapping in threads keep it until
    the last one ends, then the collector resumes as it was before the first.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._running = 0
        self._was_enabled = True

    @contextmanager
    def __call__(self):
        with self._lock:
            if self._running == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0 and self._was_enabled:
                    gc.enable()
                    gc.collect()


cyclic_gc_paused = _CollectorPause()


def html_to_pdf(html):
    with cyclic_gc_paused():
        document = HTML(string=html, base_url=f"{STATIC_ORIGIN}/", url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(font_config=font_config(), **PDF_OPTIONS)
