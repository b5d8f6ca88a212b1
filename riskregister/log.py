"""Logging filters named in settings.LOGGING."""

import logging


class OneLineForbidden(logging.Filter):
    """A 403 is an expected answer (a role without the right, a stale CSRF
    token), not a fault: log its one line without the traceback Django attaches."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
