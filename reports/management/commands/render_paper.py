from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import rendering
from reports.formats import FORMATS
from reports.models import Paper


def meeting_date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--meeting takes a date such as 2017-09-22, not {value!r}.") from None


class Command(BaseCommand):
    help = "Render the paper of a meeting in one of the registered formats (public pack, or --restricted)."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", required=True, help="Meeting date, such as 2017-09-22.")
        parser.add_argument("--format", choices=list(FORMATS), default="pdf")
        parser.add_argument("--output", required=True, help="File to write ('-' for standard output, HTML only).")
        parser.add_argument("--restricted", action="store_true", help="The restricted pack (Appendices 3 and 4).")

    def handle(self, *args, meeting, format, output, restricted, **options):
        when = meeting_date(meeting)
        paper = Paper.objects.filter(meeting_date=when).first()
        if paper is None:
            known = ", ".join(str(d) for d in Paper.objects.order_by("meeting_date").values_list("meeting_date", flat=True))
            raise CommandError(f"There is no paper for a meeting on {when}. Papers exist for: {known or 'none'}.")
        if output == "-" and format != "html":
            raise CommandError(f"Write a {FORMATS[format].label} file to a file: --output paper.{format}")
        _filename, _content_type, content = FORMATS[format].export(rendering.gather(paper, restricted=restricted))
        if output == "-":
            self.stdout.write(content.decode("utf-8"))
            return
        Path(output).write_bytes(content)
        pack = "restricted pack" if restricted else "public pack"
        self.stderr.write(f"Wrote the {pack} of the paper for {when:%d %B %Y} to {output}.")
