"""What the panel asked, requested or resolved at a meeting, and what became of it.

One record per question or action, tied to the meeting's paper. The author
records them; a panel member may raise a question on the current version of a
published paper (the one thing a panel member writes). Every change is a
revision (django-simple-history, the risks it concerns included).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

TEXT_MAX_LENGTH = 4000


class PanelItem(models.Model):
    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        REQUEST = "request", "Request"
        RESOLUTION = "resolution", "Resolution"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    paper = models.ForeignKey(
        "reports.Paper", on_delete=models.PROTECT, related_name="panel_items",
        verbose_name="meeting", help_text="The meeting at which the panel asked it.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField(
        max_length=TEXT_MAX_LENGTH,
        help_text=f"What the panel asked, requested or resolved, in up to {TEXT_MAX_LENGTH:,} characters.",
    )
    risks = models.ManyToManyField("risks.Risk", blank=True, related_name="panel_items",
                                   help_text="The risks it concerns, if any.")
    owner = models.ForeignKey(
        "risks.Owner", on_delete=models.PROTECT, null=True, blank=True, related_name="panel_items",
        verbose_name="who answers",
    )
    due_date = models.DateField("answer by", null=True, blank=True)
    due_next_meeting = models.BooleanField("answer by the next meeting", default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(max_length=TEXT_MAX_LENGTH, blank=True)
    restricted = models.BooleanField(
        default=False, help_text="Printed only in the restricted pack of the next paper.",
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when a panel member raised it from a published paper: the version they read.
    publication = models.ForeignKey(
        "publications.Publication", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[risks])

    class Meta:
        ordering = ["-paper__meeting_date", "created_at", "pk"]
        verbose_name = "panel question or action"
        permissions = [
            ("raise_question", "Can raise a question on a published paper"),
            ("answer_panelitem", "Can answer a panel question or action"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="panelitem_text_not_empty",
                                   violation_error_message="Enter the question or action."),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_next_meeting=False), name="panelitem_one_due",
                violation_error_message="Give a date or the next meeting, not both.",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""), name="panelitem_answered_has_answer",
                violation_error_message="Enter the answer before marking it answered.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from the meeting of {self.paper.meeting_date:%d %B %Y}"

    def clean(self):
        super().clean()
        errors = {}
        if not (self.text or "").strip():
            errors["text"] = "Enter the question or action."
        if self.due_date and self.due_next_meeting:
            errors["due_date"] = "Give a date or the next meeting, not both."
        if self.status == self.Status.ANSWERED and not (self.answer or "").strip():
            errors["answer"] = "Enter the answer before marking it answered."
        if self.owner_id and self._owner_newly_chosen() and not self.owner.active:
            errors["owner"] = f"{self.owner.name} is retired: choose a current owner to answer it."
        if errors:
            raise ValidationError(errors)

    def _owner_newly_chosen(self):
        if self.pk is None:
            return True
        return type(self).objects.filter(pk=self.pk).values_list("owner_id", flat=True).first() != self.owner_id

    @property
    def due_label(self):
        if self.due_next_meeting:
            return "The next meeting"
        return f"{self.due_date.day} {self.due_date:%B %Y}" if self.due_date else "Not set"


class DeepDive(models.Model):
    """The panel asked to look at one risk in depth at a coming meeting: that meeting's paper
    marks the risk in Appendix 1 and Appendix 4 (its full restricted entry); earlier papers list it."""

    risk = models.ForeignKey("risks.Risk", on_delete=models.PROTECT, related_name="deep_dives")
    paper = models.ForeignKey("reports.Paper", on_delete=models.PROTECT, related_name="deep_dives",
                              verbose_name="meeting", help_text="The meeting at which the panel looks at the risk.")
    note = models.TextField(max_length=2000, blank=True, help_text="What the panel wants to understand.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["paper__meeting_date", "risk__ref_number", "risk__ref_suffix"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "paper"], name="deepdive_once_per_meeting",
                                    violation_error_message="This risk already has a deep dive at that meeting."),
        ]

    def __str__(self):
        return f"Deep dive of risk {self.risk.ref} at the meeting of {self.paper.meeting_date:%d %B %Y}"


class Partner(models.Model):
    """A partner organisation with a risk register of its own (the MPS in the demo)."""

    name = models.CharField(max_length=200, unique=True,
                            error_messages={"unique": "A partner with this name already exists."})
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="partner_name_not_empty",
                                              violation_error_message="Enter the partner's name.")]

    def __str__(self):
        return self.name


class PartnerRisk(models.Model):
    """An entry in a partner's register, as the partner names and rates it."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="risks")
    ref = models.CharField("partner's ref", max_length=100)
    title = models.CharField(max_length=300, blank=True)
    rating = models.CharField("partner's rating", max_length=100, blank=True, help_text="Where known.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner__name", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "ref"], name="partnerrisk_unique_ref",
                                    violation_error_message="That partner already has a risk with this ref."),
            models.CheckConstraint(condition=~Q(ref=""), name="partnerrisk_ref_not_empty",
                                   violation_error_message="Enter the partner's ref."),
        ]

    def __str__(self):
        return f"{self.partner} {self.ref}{f' {self.title}' if self.title else ''}"


class Alignment(models.Model):
    """One of our risks aligned with a partner's risk: once per pair."""

    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, related_name="alignments")
    partner_risk = models.ForeignKey(PartnerRisk, on_delete=models.PROTECT, related_name="alignments")
    note = models.TextField("alignment note", max_length=1000, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partner_risk__partner__name", "partner_risk__ref"]
        constraints = [
            models.UniqueConstraint(fields=["risk", "partner_risk"], name="alignment_once_per_pair",
                                    violation_error_message="This risk is already linked to that partner risk."),
        ]

    def __str__(self):
        return f"Risk {self.risk.ref} aligned with {self.partner_risk}"
