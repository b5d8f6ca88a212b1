from django.conf import settings
from django.utils.functional import lazy

from organisation.current import current
from organisation.stylesheet import stylesheet_url

from riskregister import access


def site(request):
    """What every page's frame needs: the organisation and what the user may do."""
    user = getattr(request, "user", None)
    return {
        # Read when a template prints them: a page that does not costs no query.
        "organisation_name": lazy(lambda: current().name, str)(),
        "organisation_short_name": lazy(lambda: current().short_name, str)(),
        # The bands' colours: a stylesheet whose address changes with them (organisation.stylesheet).
        "band_stylesheet": lazy(lambda: stylesheet_url(current().bands), str)(),
        "can": access.capabilities(user) if user is not None else {},
        "session_timeout": session_timeout(),
    }


def session_timeout():
    """When a signed-in page warns that its idle session is ending. The session ends
    SESSION_COOKIE_AGE after the last request that wrote it, and a request writes it only
    when it is SESSION_TOUCH_SECONDS behind (riskregister.sessions): the page counts from
    the earlier of the two, so it never says "signed in" after the server has let go."""
    ends_after = max(settings.SESSION_COOKIE_AGE - settings.SESSION_TOUCH_SECONDS, 1)
    warning = min(settings.SESSION_WARNING_SECONDS, ends_after)
    return {"ends_after": ends_after, "warning": warning, "warning_minutes": max(round(warning / 60), 1),
            "idle_minutes": max(round(settings.SESSION_COOKIE_AGE / 60), 1)}
