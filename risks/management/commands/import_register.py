from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from risks.workbook_import import ERROR, UNCHANGED, apply_plan, plan_import


class Command(BaseCommand):
    help = ("Import a register workbook (.xlsx) or a CSV of its Risks sheet. Without --commit, a dry run "
            "that writes nothing. The last line is always 'N new, N changed, N unchanged, N errors'; "
            "the exit status is 1 when there are errors, and then nothing is written.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--commit", action="store_true", help="Write the changes (needs --reason).")
        parser.add_argument("--reason", default="", help="Why: kept on every revision the import writes.")
        parser.add_argument("--user", default="", help="The user the revisions are recorded against.")

    def handle(self, *args, file, commit, reason, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        acting = None
        if commit:
            if not reason.strip():
                raise CommandError('--commit needs --reason "why the register is being imported".')
            acting = get_user_model().objects.filter(username=user).first() if user else None
            if user and acting is None:
                raise CommandError(f"There is no user called {user}.")
        plan = plan_import(path.name, path.read_bytes())
        for problem in plan.problems:
            self.stdout.write(f"ERROR     {problem}")
        for row in plan.rows:
            if row.status == UNCHANGED:
                continue
            self.stdout.write(f"{row.status.upper():<9} {row.sheet} row {row.row}: {row.label}")
            for column, old, new in row.changes:
                self.stdout.write(f"          {column}: {old!r} → {new!r}")
            if row.status == ERROR:
                for problem in row.problems:
                    self.stdout.write(f"          {problem}")
        for risk in plan.missing:
            self.stdout.write(f"NOT IN FILE (left alone) risk {risk.ref}: {risk.title}")
        if commit and not plan.has_errors:
            apply_plan(plan, user=acting, reason=reason)
            self.stdout.write("Written." if plan.count("new") or plan.count("changed") else "Nothing to write.")
        elif not plan.has_errors:
            self.stdout.write("Dry run: nothing written (add --commit --reason \"...\" to write).")
        self.stdout.write(plan.summary())
        if plan.has_errors:
            raise SystemExit(1)
