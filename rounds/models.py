"""The quarter that feeds a paper: a review round, its confirmations, reminders and sign-off.

A risk's status in a round is worked out from the register (reviews, revisions,
closure) by rounds.status, never stored twice. What is stored here is what only
happened here: who confirmed a risk unchanged, which reminder went to whom, who
signed off and the digest of what they saw.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


class ReviewRound(models.Model):
    """Owners are asked to update their risks between opens_on and the deadline, for one paper."""

    paper = models.ForeignKey("reports.Paper", on_delete=models.PROTECT, related_name="review_rounds")
    opens_on = models.DateField("opens on", help_text="Every risk open on this day is in the round.")
    deadline = models.DateField(help_text="Owners update their risks by this day.")
    # Changes to the register after this moment count as updates for the round.
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Set when the paper is published.")

    class Meta:
        ordering = ["-paper__meeting_date", "-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=F("opens_on")), name="round_deadline_after_opening",
                violation_error_message="The deadline must be after the day the round opens.",
            ),
            models.UniqueConstraint(
                fields=["paper"], condition=Q(closed_at__isnull=True), name="round_one_open_per_paper",
                violation_error_message="There is already an open round for this meeting.",
            ),
        ]

    def __str__(self):
        return f"Review round for the meeting of {self.paper.meeting_date:%d %B %Y}"

    def clean(self):
        super().clean()
        if self.paper_id and self.deadline and self.deadline > self.paper.meeting_date:
            raise ValidationError({"deadline": (
                f"The deadline must be on or before the meeting ({self.paper.meeting_date:%d %B %Y})."
            )})

    @property
    def is_open(self):
        return self.closed_at is None


class Confirmation(models.Model):
    """An owner said nothing moved: recorded as a "No change" review, with their words."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="confirmations")
    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, related_name="+")
    review = models.OneToOneField("risks.Review", on_delete=models.CASCADE, related_name="confirmation")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    on_behalf_of = models.ForeignKey(
        "risks.Owner", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Set when an SMT editor confirmed for the owner.",
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "risk"], name="confirmation_once_per_round_risk",
                                    violation_error_message="This risk is already confirmed for the round."),
        ]


class SignOff(models.Model):
    """The SMT agreed the register for the round: the digest says what it looked like then."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="sign_offs")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(max_length=2000, blank=True)
    register_sha256 = models.CharField("SHA-256 of the register", max_length=64)
    # Each risk's version when signed, so "out of date" can name the risks that changed.
    risk_versions = models.JSONField(default=dict)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        get_latest_by = ["signed_at", "pk"]


class Reminder(models.Model):
    """One reminder email to one owner: claimed (a conditional update) before it is sent,
    so two workers or a rerun never send it twice."""

    class Kind(models.TextChoices):
        OPENING = "opening", "The round has opened"
        BEFORE_DEADLINE = "before_deadline", "The deadline is near"
        DEADLINE = "deadline", "The deadline is today"
        OVERDUE = "overdue", "Updates are overdue"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reminders")
    owner = models.ForeignKey("risks.Owner", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["due_on", "owner__name"]
        constraints = [
            # Overdue reminders repeat weekly: each has its own due day.
            models.UniqueConstraint(fields=["round", "owner", "kind", "due_on"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.due_on}) to {self.owner}"


class PublicationGateOverride(models.Model):
    """A paper published with items outstanding in its round: what, and why the author went ahead."""

    publication = models.OneToOneField(
        "publications.Publication", on_delete=models.PROTECT, related_name="gate_override",
    )
    outstanding = models.TextField(help_text="What was outstanding when it was published.")
    reason = models.TextField(max_length=2000)

    def __str__(self):
        return f"Published with items outstanding: {self.publication}"
