"""Check what was published: files, metadata, completeness, the chain and (with
PUBLICATION_SIGNING_KEY set) the keyed digests. See publications.verification."""

from django.core.management.base import BaseCommand, CommandError

from publications.verification import verify_publications


class Command(BaseCommand):
    help = (
        "Check every published file against its digest, every publication's metadata against the chain, that "
        "every expected file is there and that the chain is unbroken; exit with status 1 naming the first failure."
    )

    def handle(self, *args, **options):
        report = verify_publications()
        for ok, text in report.lines:
            self.stdout.write(text if ok else self.style.ERROR(text))
        if report.unsigned_before_key:
            self.stdout.write(
                f"{len(report.unsigned_before_key)} publications were stored before the signing key was set: "
                "only the plain chain covers them until a later one is signed."
            )
        failures = report.failures
        if failures:
            message = f"{len(failures)} problems; the first: {' '.join(failures[0].split())}"
            if report.other_key:
                message += f"\nSigned with another key: {'; '.join(report.other_key)}"
            raise CommandError(message)
        checked = len(report.lines)
        self.stdout.write(self.style.SUCCESS(f"All {checked} checks passed: files, metadata, completeness and chain."))
