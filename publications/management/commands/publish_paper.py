"""Publish a paper from the command line (see publications.publishing)."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from publications import publishing
from reports.models import Paper
from riskregister import access
from rounds.services import outstanding_for_paper, publish_with_gate


class Command(BaseCommand):
    help = (
        "Publish the paper for a meeting: render the public and restricted packs in every format "
        "and store them, frozen, as the paper's next version. A correction (version 2 on) needs --reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meeting", required=True, help="Meeting date, YYYY-MM-DD.")
        parser.add_argument("--reason", default="", help="Why; required when the paper was published before.")
        parser.add_argument(
            "--accept-outstanding", default="", metavar="REASON", dest="accept_outstanding",
            help="Publish although the review round has items outstanding, for this reason (stored).",
        )
        parser.add_argument(
            "--user", default=None,
            help=f"Username of the report author publishing (needs the publish permission). "
                 f"Without it, the inactive system account '{publishing.SYSTEM_USERNAME}' is recorded.",
        )

    def handle(self, *args, meeting, reason, user, accept_outstanding="", **options):
        try:
            meeting_date = date.fromisoformat(meeting)
        except ValueError:
            raise CommandError(f"--meeting must be a date as YYYY-MM-DD, not {meeting!r}.") from None
        paper = Paper.objects.filter(meeting_date=meeting_date).first()
        if paper is None:
            raise CommandError(f"There is no paper for a meeting on {meeting_date:%d %B %Y}.")
        acting = self._user(user)
        outstanding = outstanding_for_paper(paper)
        if outstanding and not accept_outstanding.strip():
            raise CommandError(
                "Not published: items are outstanding in the review round:\n  " + "\n  ".join(outstanding)
                + '\nPut them right, or publish anyway with --accept-outstanding "reason".'
            )
        try:
            publication = publish_with_gate(paper_id=paper.pk, user=acting, reason=reason,
                                            accept_outstanding=accept_outstanding)
        except ValidationError as error:
            raise CommandError("Not published:\n  " + "\n  ".join(error.messages)) from None
        except publishing.PublishConflict as conflict:
            raise CommandError(f"Not published: {conflict.message}") from None
        self.stdout.write(self.style.SUCCESS(
            f"Published version {publication.version} of the paper for {meeting_date:%d %B %Y}."
        ))
        for stored in publication.files.order_by("-pack", "format").only("filename", "sha256", "size"):
            self.stdout.write(f"  {stored.filename}  {stored.size} bytes  sha256 {stored.sha256}")
        signed = f", signed with key {publication.signing_key_id}" if publication.signing_key_id else ""
        self.stdout.write(f"  chain sha256 {publication.chain_sha256}{signed}")

    @staticmethod
    def _user(username):
        if username is None:
            return publishing.system_user()
        acting = get_user_model().objects.filter(username=username, is_active=True).first()
        if acting is None:
            raise CommandError(f"No active user named {username!r}.")
        if not access.can(acting, "publish_papers"):
            raise CommandError(f"{username!r} may not publish papers (not a report author).")
        return acting
