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
    }
