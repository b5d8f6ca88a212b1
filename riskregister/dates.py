"""The one rule for plausible dates, used by every model's clean() (so the
site's forms, the admin and the services all refuse the same dates).

A register entry, review, control or paper dated before 1990 or more than five
years ahead is a typing slip (0001-01-01, 2099-12-31), not a plan.
"""

from datetime import date

from django.utils import timezone

EARLIEST = date(1990, 1, 1)
YEARS_AHEAD = 5


def latest_plausible(today=None):
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def implausible_date_message(value):
    """A message if `value` is outside the plausible range, else None."""
    latest = latest_plausible()
    if value is not None and not EARLIEST <= value <= latest:
        return f"Enter a date from {EARLIEST:%-d %B %Y} to {latest:%-d %B %Y}."
    return None


def implausible_dates(instance, field_names):
    """{field: message} for each named date field of `instance` outside the range."""
    errors = {}
    for name in field_names:
        message = implausible_date_message(getattr(instance, name))
        if message:
            errors[name] = message
    return errors
