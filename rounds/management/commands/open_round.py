"""Open a review round from the command line (see rounds.services.open_round)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from publications import publishing
from riskregister import access
from rounds import services


def parse_date(value, option):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.") from None


class Command(BaseCommand):
    help = ("Open the review round for a meeting: every risk open on the opening day is in it and "
            "its owners are reminded by email. Creates the meeting's draft paper from the previous one if needed.")

    def add_arguments(self, parser):
        parser.add_argument("--meeting", required=True, help="Meeting date, YYYY-MM-DD.")
        parser.add_argument("--opens", default=None, help="Opening day, YYYY-MM-DD (default: today).")
        parser.add_argument("--deadline", required=True, help="Deadline for updates, YYYY-MM-DD.")
        parser.add_argument("--user", default=None,
                            help="Username of the report author opening it (default: the inactive system account).")

    def handle(self, *args, meeting, opens, deadline, user, **options):
        meeting_date = parse_date(meeting, "--meeting")
        opens_on = parse_date(opens, "--opens") if opens else None
        deadline_date = parse_date(deadline, "--deadline")
        acting = self._user(user)
        try:
            review_round = services.open_round(meeting_date=meeting_date, opens_on=opens_on,
                                               deadline=deadline_date, user=acting)
        except ValidationError as error:
            raise CommandError("No round opened:\n  " + "\n  ".join(error.messages)) from None
        count = services.status.round_risks(review_round).count()
        self.stdout.write(self.style.SUCCESS(
            f"Opened the review round for {meeting_date:%d %B %Y}: {count} risks, open from "
            f"{review_round.opens_on:%d %B %Y}, updates by {review_round.deadline:%d %B %Y}."
        ))

    @staticmethod
    def _user(username):
        if username is None:
            return publishing.system_user()
        acting = get_user_model().objects.filter(username=username, is_active=True).first()
        if acting is None:
            raise CommandError(f"No active user named {username!r}.")
        if not access.can(acting, "compose_papers"):
            raise CommandError(f"{username!r} may not open rounds (not a report author).")
        return acting
