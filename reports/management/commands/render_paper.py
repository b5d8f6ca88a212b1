from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import rendering
from reports.models import Paper


def meeting_date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--meeting takes a date such as 2017-09-22, not {value!r}.") from None


class Command(BaseCommand):
    help = "Render the paper of a meeting as PDF or HTML (public pack, or --restricted)."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", required=True, help="Meeting date, such as 2017-09-22.")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("--output", required=True, help="File to write ('-' for standard output, HTML only).")
        parser.add_argument("--restricted", action="store_true", help="The restricted pack (Appendices 3 and 4).")

    def handle(self, *args, meeting, format, output, restricted, **options):
        when = meeting_date(meeting)
        paper = Paper.objects.filter(meeting_date=when).first()
        if paper is None:
            known = ", ".join(str(d) for d in Paper.objects.order_by("meeting_date").values_list("meeting_date", flat=True))
            raise CommandError(f"There is no paper for a meeting on {when}. Papers exist for: {known or 'none'}.")
        data = rendering.gather(paper, restricted=restricted)
        if format == "pdf":
            if output == "-":
                raise CommandError("Write a PDF to a file: --output paper.pdf")
            Path(output).write_bytes(rendering.render_pdf(data))
        elif output == "-":
            self.stdout.write(rendering.render_html(data))
            return
        else:
            Path(output).write_text(rendering.render_html(data), encoding="utf-8")
        pack = "restricted pack" if restricted else "public pack"
        self.stderr.write(f"Wrote the {pack} of the paper for {when:%d %B %Y} to {output}.")
