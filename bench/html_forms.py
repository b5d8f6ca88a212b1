"""What a browser would send from a page's form, read from its HTML with no
dependencies: shared by the load test's users (bench/locustfile.py) and the
in-process profile (bench/profile_pages.py)."""

import re
from html import unescape


def csrf_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def form_fields(html):
    """What the browser would send from the page's edit form (inputs, selects, textareas)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html):
        data[name] = unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = unescape(selected.group(1)) if selected else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = unescape(body.removeprefix("\n"))
    for name in re.findall(r'<input[^>]*type="checkbox"[^>]*name="([^"]+)"(?![^>]*checked)', html):
        data.pop(name, None)
    return data
