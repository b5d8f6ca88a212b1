"""Request values the database cannot store never reach it as they are."""

# PostgreSQL text cannot hold NUL: a header carrying one would make every write
# that records it (django-axes' sign-in attempts, for one) fail with a 500.
NOT_STORABLE = "\x00"
# Visible text, as django-axes writes a NUL in the form data it records, and
# Latin-1, because Django re-reads some headers (Cookie) from WSGI as Latin-1.
REPLACEMENT = "0x00"
HEADER_KEYS = ("HTTP_", "REMOTE_")


def storable(value):
    return value.replace(NOT_STORABLE, REPLACEMENT)


class StorableRequestMetaMiddleware:
    """Replaces NUL in the request's headers (and client address) with "0x00".

    Runs first, so sign-in still counts (and logs) an attempt whose User-Agent,
    Accept or forwarded address holds a NUL. Submitted fields are not changed
    here, nor the query string: forms refuse a NUL with a message
    (riskregister.forms.SpecificMessagesMixin, Django's own for the admin).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for key, value in request.META.items():
            if key.startswith(HEADER_KEYS) and isinstance(value, str) and NOT_STORABLE in value:
                request.META[key] = storable(value)
        return self.get_response(request)
