"""The score bands' stylesheet (GET /settings/bands.css?v=<digest>): the colour and border
pattern of each band's label, and the tint and border of its heat-map cells. The site's CSP
allows no inline styles, so the bands' looks, set in the app, come as a stylesheet whose
address changes with them (cached for a year; a stale address is answered but not cached)."""

import hashlib
import re

from django.http import HttpResponse, HttpResponseNotModified
from django.urls import reverse

from organisation.colours import tint

SAFE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SAFE_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PATTERNS = {"solid", "dashed", "dotted", "double"}
A_YEAR = 365 * 24 * 60 * 60


def digest(bands):
    text = "|".join(f"{b.key},{b.label},{b.lowest},{b.highest},{b.colour},{b.pattern}" for b in bands)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def stylesheet_url(bands):
    return f"{reverse('organisation:bands_css')}?v={digest(bands)}"


def band_rules(band):
    # Stored values are validated; checked again because they are written into CSS.
    if not (SAFE_KEY.match(band.key) and SAFE_COLOUR.match(band.colour) and band.pattern in PATTERNS):
        return ""
    # A double border needs 3px or more to show two lines.
    label_width, cell_width = ("3px", "4px") if band.pattern == "double" else ("2px", "3px")
    return (
        f"/* {band.key}: scores {band.lowest} to {band.highest} */\n"
        f".band--{band.key} {{ color: {band.colour}; border: {label_width} {band.pattern} {band.colour}; }}\n"
        f".heat-map td.heat-map__cell--{band.key} {{ background: {tint(band.colour)}; "
        f"border: {cell_width} {band.pattern} {band.colour}; }}\n"
    )


def bands_stylesheet_response(request, bands):
    etag = f'"{digest(bands)}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        css = "/* The score bands, as the organisation's settings set them. */\n" + "".join(map(band_rules, bands))
        response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    if request.GET.get("v") == digest(bands):
        # Signed-in users only: kept by the browser, not by shared caches.
        response["Cache-Control"] = f"private, max-age={A_YEAR}, immutable"
    else:
        response["Cache-Control"] = "private, no-cache"
    return response
