from django.conf import settings

from riskregister import access


def site(request):
    """What every page's frame needs: the organisation and what the user may do."""
    user = getattr(request, "user", None)
    return {
        "organisation_name": settings.ORGANISATION_NAME,
        "organisation_short_name": settings.ORGANISATION_SHORT_NAME,
        "can": access.capabilities(user) if user is not None else {},
    }
