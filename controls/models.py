from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from riskregister.constraints import Check
from riskregister.dates import implausible_dates
from riskregister.history_chain import ChainedHistory
from organisation.current import current
from organisation.models import Lever
from risks.models import Risk


# What a person may set on a control: the edit page, the admin and the services agree.
CONTROL_FIELDS = (
    "kind", "name", "separator", "description", "owner", "lever", "due_date", "status", "position",
)


class ControlQuerySet(models.QuerySet):
    def overdue(self, today):
        """Controls of open risks past their due date and not yet delivered."""
        return self.filter(risk__status=Risk.Status.OPEN, due_date__lt=today).exclude(status__in=Control.FINISHED)


class Control(models.Model):
    class Kind(models.TextChoices):
        ACTION = "action", "Control action"
        POTENTIAL = "potential", "Potential control"

    class Status(models.TextChoices):
        IN_PLACE = "in_place", "In place"
        IN_PROGRESS = "in_progress", "In progress"
        PLANNED = "planned", "Planned"
        RETIRED = "retired", "Retired"

    # There is no "complete" status: a control that is in place has been delivered.
    FINISHED = (Status.IN_PLACE, Status.RETIRED)

    class Separator(models.TextChoices):
        # How the paper joins a control's name to its text; kept so a paper
        # reproduces the author's punctuation exactly.
        COLON = ": ", "Colon (Name: text)"
        EN_DASH = " – ", "Dash (Name – text)"
        HYPHEN = " - ", "Hyphen (Name - text)"

    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, related_name="controls")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTION)
    name = models.CharField(
        max_length=200, blank=True,
        help_text="A short name, such as “Police and Crime Plan”. Leave empty if the control has none.",
    )
    separator = models.CharField(
        "punctuation after the name", max_length=3, choices=Separator.choices, default=Separator.COLON,
    )
    description = models.TextField(max_length=4000)
    owner = models.ForeignKey(
        "risks.Owner", on_delete=models.PROTECT, null=True, blank=True, related_name="controls",
    )
    # The key of an organisation.models.Lever: renaming a lever renames it here too.
    lever = models.CharField(max_length=40, blank=True)
    due_date = models.DateField("due date", null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PLACE)
    position = models.PositiveSmallIntegerField("display order", default=0)
    history = HistoricalRecords(bases=[ChainedHistory])

    objects = ControlQuerySet.as_manager()

    class Meta:
        ordering = ["risk", "kind", "position", "pk"]
        constraints = [
            Check(
                condition=~Q(description=""), name="control_description_not_empty",
                violation_error_message="Enter what the control does.",
            ),
            Check(condition=Q(kind__in=["action", "potential"]), name="control_kind_valid"),
        ]

    def __str__(self):
        return self.name or self.description[:60]

    def clean(self):
        super().clean()
        errors = implausible_dates(self, ("due_date",))
        if self.lever and not Lever.objects.filter(key=self.lever).exists():
            errors["lever"] = "Choose a lever from the list."
        if errors:
            raise ValidationError(errors)

    def get_lever_display(self):
        return current().lever_label(self.lever) if self.lever else ""

    @property
    def text(self):
        """The control as the paper prints it."""
        if self.name:
            return f"{self.name}{self.separator}{self.description}"
        return self.description
