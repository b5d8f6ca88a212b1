"""Idle sessions that end after SESSION_COOKIE_AGE without a request, written
at most about once a minute rather than on every request.

Django's SESSION_SAVE_EVERY_REQUEST rewrites the session row on every page,
which under load is one UPDATE (and a row lock) per request for no news. Here
the session store remembers the expiry it read, and the middleware pushes the
expiry forward only when it is more than SESSION_TOUCH_SECONDS behind where a
write now would put it. A session therefore still ends after at most
SESSION_COOKIE_AGE of idleness (at most SESSION_TOUCH_SECONDS sooner, never
later), and changes to the session's data are saved at once as ever.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """The database session store, remembering the expiry of the row it loaded."""

    stored_expiry = None

    def _get_session_from_db(self):
        row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row


def expiry_is_behind(session):
    """Whether a write now would move the session's stored expiry forward by
    more than SESSION_TOUCH_SECONDS (or its expiry is not known)."""
    stored = getattr(session, "stored_expiry", None)
    if stored is None:
        return True
    fresh = timezone.now() + timedelta(seconds=session.get_expiry_age())
    return fresh - stored > timedelta(seconds=settings.SESSION_TOUCH_SECONDS)


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, marking a signed-in session for saving
    when its idle expiry needs pushing forward."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified \
                and not session.is_empty() and expiry_is_behind(session):
            session.modified = True
        return super().process_response(request, response)
