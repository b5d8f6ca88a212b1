from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from risks.workbook import blank_template, export_workbook


class Command(BaseCommand):
    help = "Write the full register (risks, controls, dependencies, reviews) as an .xlsx workbook that can be imported again."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")
        parser.add_argument("--template", action="store_true", help="A blank template (headings, lists and instructions only).")
        parser.add_argument("--as-at", dest="as_at", help="The register as it stood at the end of this day, such as 2017-09-22.")

    def handle(self, *args, output, template, as_at=None, **options):
        day = None
        if as_at:
            try:
                day = date.fromisoformat(as_at)
            except ValueError:
                raise CommandError(f"--as-at takes a date such as 2017-09-22, not {as_at!r}.") from None
            if day > timezone.localdate():
                raise CommandError("--as-at must be today or earlier.")
        _filename, _content_type, content = blank_template() if template else export_workbook(as_at=day)
        Path(output).write_bytes(content)
        self.stderr.write(f"Wrote the {'blank template' if template else 'register workbook'} to {output}.")
