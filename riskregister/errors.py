"""The site's answer to a request Django refuses before any view runs (urls.handler400)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.shortcuts import render


def bad_request(request, exception):
    """A 413 for a post over DATA_UPLOAD_MAX_MEMORY_SIZE, a 400 for one with more
    than DATA_UPLOAD_MAX_NUMBER_FIELDS fields or any other malformed request:
    the site's page, saying what was wrong and what to do next."""
    if isinstance(exception, RequestDataTooBig):
        problem, status = "too_big", 413
    elif isinstance(exception, TooManyFieldsSent):
        problem, status = "too_many_fields", 400
    else:
        problem, status = "bad_request", 400
    return render(request, "400.html", {
        "problem": problem,
        "limit_megabytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024),
        "limit_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    }, status=status)
