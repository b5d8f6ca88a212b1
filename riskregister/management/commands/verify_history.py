"""Walk the chained revision tables (riskregister.history_chain) and name the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from riskregister.history_chain import chained_history_models, first_broken_link


class Command(BaseCommand):
    help = "Check the chain of revisions of risks, owners, controls, reviews and dependencies; exit 1 at a broken link."

    def handle(self, *args, **options):
        for model in chained_history_models():
            table = model._meta.db_table
            broken = first_broken_link(model)
            if broken:
                history_id, what = broken
                self.stdout.write(self.style.ERROR(f"BROKEN    {table} history_id {history_id}: {what}"))
                raise CommandError(f"The revision history was changed: {table} history_id {history_id}: {what}.")
            self.stdout.write(f"OK        {table}: {model._base_manager.count()} revisions chained")
        self.stdout.write(self.style.SUCCESS("Every revision table's chain is unbroken."))
