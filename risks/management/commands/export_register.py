from pathlib import Path

from django.core.management.base import BaseCommand

from risks.workbook import blank_template, export_workbook


class Command(BaseCommand):
    help = "Write the full register (risks, controls, dependencies, reviews) as an .xlsx workbook that can be imported again."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")
        parser.add_argument("--template", action="store_true", help="A blank template (headings, lists and instructions only).")

    def handle(self, *args, output, template, **options):
        _filename, _content_type, content = blank_template() if template else export_workbook()
        Path(output).write_bytes(content)
        self.stderr.write(f"Wrote the {'blank template' if template else 'register workbook'} to {output}.")
