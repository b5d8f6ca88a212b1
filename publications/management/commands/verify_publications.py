"""Check every published file against the SHA-256 digest taken when it was published."""

from django.core.management.base import BaseCommand, CommandError

from publications.models import Publication, PublishedFile


class Command(BaseCommand):
    help = "Check every published file against its SHA-256 digest; exit with status 1 on any mismatch."

    def handle(self, *args, **options):
        checked, failed = 0, 0
        files = PublishedFile.objects.select_related("publication__paper").order_by(
            "publication__paper__meeting_date", "publication__version", "-pack", "format",
        )
        for stored in files.iterator(chunk_size=20):
            checked += 1
            meeting = stored.publication.paper.meeting_date.isoformat()
            label = f"{meeting} v{stored.publication.version} {stored.pack} {stored.format} {stored.filename}"
            if stored.verify():
                self.stdout.write(f"OK        {label} sha256 {stored.sha256}")
            else:
                failed += 1
                self.stdout.write(self.style.ERROR(f"MISMATCH  {label} expected sha256 {stored.sha256}"))
        for publication in Publication.objects.select_related("paper").order_by("paper__meeting_date", "version"):
            checked += 1
            label = f"{publication.paper.meeting_date.isoformat()} v{publication.version} snapshots"
            if publication.verify_snapshots():
                self.stdout.write(f"OK        {label} sha256 {publication.snapshots_sha256}")
            else:
                failed += 1
                self.stdout.write(self.style.ERROR(f"MISMATCH  {label} expected sha256 {publication.snapshots_sha256}"))
        if failed:
            raise CommandError(f"{failed} of {checked} published files and snapshots do not match their digests.")
        self.stdout.write(self.style.SUCCESS(f"All {checked} published files and snapshots match their digests."))
