from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "organisation"
    verbose_name = "Organisation settings"

    def ready(self):
        from organisation import current

        current.connect_signals()
