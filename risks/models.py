import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organisation.current import current
from riskregister.constraints import Check
from riskregister.dates import implausible_dates
from riskregister.history_chain import ChainedHistory

REF_PATTERN = re.compile(r"^(?P<number>[1-9][0-9]{0,3})(?P<suffix>[a-z]?)$")
SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
# What a form says for a score out of range.
SCORE_MESSAGE = "Enter a score from 1 to 5."
# A review's commentary, with the reason for an unexpected trend appended, is stored in one column.
COMMENTARY_MAX_LENGTH = 4000


class ScoreField(models.PositiveSmallIntegerField):
    """A score from 1 to 5. Its form field (the site's and the admin's) says
    "Enter a score from 1 to 5." rather than Django's "greater than or equal to 0"."""

    def formfield(self, **kwargs):
        return super().formfield(**{
            "min_value": 1, "max_value": 5,
            "error_messages": {"min_value": SCORE_MESSAGE, "max_value": SCORE_MESSAGE},
            **kwargs,
        })

    def deconstruct(self):
        # Stored as a plain PositiveSmallIntegerField: only the form differs, so no migration.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.PositiveSmallIntegerField", args, kwargs


def score_field(verbose_name):
    return ScoreField(
        verbose_name,
        validators=SCORE_VALIDATORS,
        help_text="From 1 (lowest) to 5 (highest).",
    )


def score_constraint(field, model_name):
    return Check(
        condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=f"{model_name}_{field}_1_to_5",
        violation_error_message=f"{field.replace('_', ' ').capitalize()} must be from 1 to 5.",
    )


def band_for(score, *, settings=None):
    """(key, label) of the band a score (1 to 25) falls in; the organisation sets the bands
    (now, or as `settings` say: organisation.current.OrgSettings, e.g. as at a day)."""
    band = (settings or current()).band_for(score)
    return band.key, band.label


def score_summary(likelihood, impact):
    """A score as pages and papers show it: its two parts, their product (1 to 25) and its band."""
    score = likelihood * impact
    key, label = band_for(score)
    return {"likelihood": likelihood, "impact": impact, "score": score, "band": key, "band_label": label}


class Trend(models.TextChoices):
    INCREASING = "increasing", "Increasing"
    DECREASING = "decreasing", "Decreasing"
    NO_CHANGE = "no_change", "No change"
    FLUCTUATING = "fluctuating", "Fluctuating"
    NEW = "new", "New"


TREND_GLYPHS = {
    Trend.INCREASING: "↑",
    Trend.DECREASING: "↓",
    Trend.NO_CHANGE: "↔",
    Trend.FLUCTUATING: "↕",
    Trend.NEW: "",
}


class ReviewInterval(models.IntegerChoices):
    MONTHLY = 1, "Monthly"
    QUARTERLY = 3, "Quarterly"
    HALF_YEARLY = 6, "Every six months"
    YEARLY = 12, "Yearly"


def add_months(day, months):
    """The same day `months` later, or the month's last day when it has no such day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


class Owner(models.Model):
    """A person who owns risks; may or may not sign in."""

    name = models.CharField(max_length=120)
    role_title = models.CharField("role title", max_length=200, blank=True)
    email = models.EmailField(blank=True, help_text="Where review reminders are sent.")
    active = models.BooleanField(
        default=True, help_text="Retired owners keep their history but are no longer offered for new risks.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="risk_owner",
        help_text="The sign-in account of this person, if they have one.",
    )
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"], name="owner_unique_name",
                violation_error_message="An owner with this name already exists.",
            ),
            Check(
                condition=~Q(name=""), name="owner_name_not_empty",
                violation_error_message="Enter the owner's name.",
            ),
        ]

    def __str__(self):
        return self.name


class RiskQuerySet(models.QuerySet):
    def open(self):
        """Risks open now."""
        return self.filter(status=Risk.Status.OPEN)

    def open_on(self, day):
        """Risks open as at `day`: raised on or before it, and not closed on or before it."""
        return self.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day), opened_on__lte=day)

    def review_overdue(self, today):
        """Open risks whose next review date is before `today` (the rule of Risk.is_review_overdue)."""
        return self.open().filter(next_review__lt=today)

    def with_owners(self):
        return self.prefetch_related(
            models.Prefetch("ownerships", queryset=RiskOwner.objects.select_related("owner"))
        )


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    ref = models.CharField(
        max_length=5,
        validators=[RegexValidator(REF_PATTERN, "A ref is a number, optionally followed by one lower-case letter, such as 4 or 2a.")],
        help_text="As printed in the paper, such as 4 or 2a.",
    )
    # Derived from ref on save, so the database can sort 2a before 10.
    ref_number = models.PositiveIntegerField(editable=False, default=0)
    ref_suffix = models.CharField(max_length=1, editable=False, blank=True, default="")
    title = models.CharField(max_length=200, help_text="A few words, such as “Adequate funding”.")
    description = models.TextField(max_length=2000, help_text="What failure looks like: “Failure to …”.")
    summary_heading = models.CharField(
        max_length=200, blank=True,
        help_text="Heading of the summary risk position (Appendix 2), if not the title.",
    )
    summary_statement = models.TextField(
        max_length=2000, blank=True,
        help_text="Statement of the summary risk position, if it differs from the description.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.TextField(max_length=2000, blank=True)
    opened_on = models.DateField(
        "Date raised", default=timezone.localdate,
        help_text="The day the risk was added to the register. For example, 2017-09-05.",
    )
    closed_on = models.DateField(
        "Closed on", null=True, blank=True,
        help_text="Set when the risk is closed; empty while it is open.",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="dynamic_risks",
        verbose_name="parent risk",
        help_text="For a dynamic risk: the standing risk it sits inside.",
    )
    partner_ref = models.CharField(
        "partner register reference", max_length=100, blank=True,
        help_text="The matching entry in a partner's register, such as the MPS risk register.",
    )
    category = models.ForeignKey(
        "organisation.RiskCategory", on_delete=models.PROTECT, null=True, blank=True, related_name="risks",
        verbose_name="primary category", help_text="Decides the risk appetite the risk is measured against.",
    )
    secondary_categories = models.ManyToManyField(
        "organisation.RiskCategory", blank=True, related_name="secondary_risks", verbose_name="other categories",
    )
    secondary_category_names = models.CharField(
        max_length=500, blank=True, editable=False,
        help_text="The other categories, kept with each revision so their changes show in the history.",
    )
    owners = models.ManyToManyField(Owner, through="RiskOwner", related_name="risks")
    owner_names = models.CharField(
        max_length=500, blank=True, editable=False,
        help_text="The owners in order, kept with each revision so owner changes show in the history.",
    )
    inherent_likelihood = score_field("inherent likelihood")
    inherent_impact = score_field("inherent impact")
    current_likelihood = score_field("current likelihood")
    current_impact = score_field("current impact")
    target_likelihood = score_field("target likelihood")
    target_impact = score_field("target impact")
    trend = models.CharField(
        max_length=12, choices=Trend.choices, default=Trend.NEW, editable=False,
        help_text="From the latest review.",
    )
    last_reviewed = models.DateField(null=True, blank=True, editable=False)
    next_review = models.DateField("next review", null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        "review interval", choices=ReviewInterval.choices, default=ReviewInterval.QUARTERLY, blank=True,
        help_text="Recording a review moves the next review forward by this much.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(bases=[ChainedHistory])

    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["ref_number", "ref_suffix", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ref"], condition=Q(status="open"), name="risk_unique_open_ref",
                violation_error_message="Another open risk already has this ref.",
            ),
            Check(
                condition=~Q(title=""), name="risk_title_not_empty",
                violation_error_message="Enter a title.",
            ),
            Check(
                condition=~Q(parent=F("pk")), name="risk_not_own_parent",
                violation_error_message="A risk cannot be its own parent.",
            ),
            Check(
                condition=Q(status__in=["open", "closed"]), name="risk_status_valid",
            ),
            Check(
                condition=Q(status="open", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="risk_closed_on_matches_status",
                violation_error_message="A closed risk needs the date it was closed; an open risk has none.",
            ),
            Check(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="risk_closed_not_before_raised",
                violation_error_message="A risk cannot be closed before the date it was raised.",
            ),
            *[
                score_constraint(f"{stage}_{axis}", "risk")
                for stage in ("inherent", "current", "target")
                for axis in ("likelihood", "impact")
            ],
        ]

    def __str__(self):
        return f"Risk {self.ref}: {self.title}"

    def save(self, *args, **kwargs):
        match = REF_PATTERN.match(self.ref or "")
        if match:
            self.ref_number = int(match["number"])
            self.ref_suffix = match["suffix"]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if not self.review_interval_months:
            self.review_interval_months = ReviewInterval.QUARTERLY
        today = timezone.localdate()
        errors = implausible_dates(self, ("opened_on", "closed_on", "next_review"))
        if self.opened_on and self.opened_on > today:
            errors["opened_on"] = f"The date raised cannot be in the future: enter today ({today:%Y-%m-%d}) or an earlier date."
        if self.closed_on and self.closed_on > today:
            errors["closed_on"] = f"The date closed cannot be in the future: enter today ({today:%Y-%m-%d}) or an earlier date."
        if self.next_review and self.opened_on and self.next_review < self.opened_on and "next_review" not in errors:
            errors["next_review"] = f"The next review cannot be before the date raised ({self.opened_on:%Y-%m-%d})."
        if errors:
            raise ValidationError(errors)
        if self.parent_id and self.pk:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": "A risk cannot sit inside itself or one of its own dynamic risks."})
                seen.add(ancestor.pk)
                ancestor = ancestor.parent

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def is_open_on(self, day):
        """Whether the risk was open as at `day` (the rule of RiskQuerySet.open_on)."""
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    def is_review_overdue(self, today=None):
        """Open, with its next review date before today (the rule of RiskQuerySet.review_overdue)."""
        today = today or timezone.localdate()
        return self.is_open and self.next_review is not None and self.next_review < today

    def next_review_after(self, reviewed_on):
        return add_months(reviewed_on, self.review_interval_months or ReviewInterval.QUARTERLY)

    @property
    def current_score(self):
        return self.current_likelihood * self.current_impact

    @property
    def inherent_score(self):
        return self.inherent_likelihood * self.inherent_impact

    @property
    def target_score(self):
        return self.target_likelihood * self.target_impact

    @property
    def band(self):
        return band_for(self.current_score)

    @property
    def trend_glyph(self):
        return TREND_GLYPHS[self.trend]

    @property
    def heading(self):
        """Heading of the summary risk position (Appendix 2)."""
        return self.summary_heading or self.title

    @property
    def statement(self):
        """Statement of the summary risk position (Appendix 2)."""
        return self.summary_statement or self.description

    def ordered_owners(self):
        return [ownership.owner for ownership in self.ownerships.all()]

    def is_owned_by(self, user):
        """Whether `user` is one of the risk's owners (no query once owners are prefetched)."""
        return any(owner.user_id == user.pk for owner in self.ordered_owners())


class RiskOwner(models.Model):
    """An owner of a risk, in the order the paper names them."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="ownerships")
    owner = models.ForeignKey(Owner, on_delete=models.PROTECT, related_name="ownerships")
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "owner"], name="riskowner_unique",
                violation_error_message="This person already owns this risk.",
            ),
        ]

    def __str__(self):
        return f"{self.owner} owns risk {self.risk.ref}"


class RiskDependency(models.Model):
    """This risk depends on another: a change to that one may knock on to this."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="dependents")
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        verbose_name_plural = "risk dependencies"
        constraints = [
            models.UniqueConstraint(
                fields=["risk", "depends_on"], name="riskdependency_unique",
                violation_error_message="This dependency is already recorded.",
            ),
            Check(
                condition=~Q(risk=F("depends_on")), name="riskdependency_not_self",
                violation_error_message="A risk cannot depend on itself.",
            ),
        ]

    def __str__(self):
        return f"Risk {self.risk.ref} depends on risk {self.depends_on.ref}"


class Review(models.Model):
    """A dated assessment of a risk: one point of its trend history."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("date of review")
    trend = models.CharField(max_length=12, choices=Trend.choices)
    likelihood = score_field("current likelihood")
    impact = score_field("current impact")
    commentary = models.TextField(max_length=COMMENTARY_MAX_LENGTH, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="risk_reviews",
    )
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        get_latest_by = ["reviewed_on", "pk"]
        constraints = [
            score_constraint("likelihood", "review"),
            score_constraint("impact", "review"),
            Check(
                condition=Q(trend__in=Trend.values), name="review_trend_valid",
            ),
        ]

    def __str__(self):
        return f"Review of risk {self.risk.ref} on {self.reviewed_on:%d %b %Y}"

    def clean(self):
        super().clean()
        errors = implausible_dates(self, ("reviewed_on",))
        today = timezone.localdate()
        if self.reviewed_on and self.reviewed_on > today:
            # A future review would stay "latest" and freeze the risk's current score.
            errors["reviewed_on"] = f"The date of review cannot be in the future: enter today ({today:%Y-%m-%d}) or an earlier date."
        elif self.reviewed_on and self.risk_id and self.reviewed_on < self.risk.opened_on:
            errors["reviewed_on"] = (
                f"The date of review cannot be before the risk was raised ({self.risk.opened_on:%Y-%m-%d})."
            )
        if len(self.commentary) > COMMENTARY_MAX_LENGTH:
            errors["commentary"] = (
                f"Keep the commentary to {COMMENTARY_MAX_LENGTH:,} characters or fewer "
                f"(it has {len(self.commentary):,}, with any reason for the trend)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def score(self):
        return self.likelihood * self.impact

    @property
    def trend_glyph(self):
        return TREND_GLYPHS[self.trend]


class AppetiteAcceptance(models.Model):
    """A named person's explicit acceptance of a risk outside appetite, with a reason, until a date.
    Past that date the risk is outside appetite without a plan again."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="appetite_acceptances")
    accepted_by = models.CharField("accepted by", max_length=200, help_text="The person who accepts the risk, by name and role.")
    reason = models.TextField(max_length=2000, help_text="Why the risk is accepted above the tolerance.")
    accepted_on = models.DateField("accepted on", default=timezone.localdate)
    expires_on = models.DateField("expires on", help_text="The acceptance lapses after this day. For example, 2018-03-31.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        ordering = ["-expires_on", "-pk"]
        constraints = [
            Check(condition=~Q(accepted_by=""), name="appetiteacceptance_accepted_by_not_empty",
                                   violation_error_message="Enter who accepts the risk."),
            Check(condition=~Q(reason=""), name="appetiteacceptance_reason_not_empty",
                                   violation_error_message="Enter why the risk is accepted."),
            Check(condition=Q(expires_on__gte=F("accepted_on")),
                                   name="appetiteacceptance_expires_after_accepted",
                                   violation_error_message="The acceptance cannot expire before it was given."),
        ]

    def __str__(self):
        return f"Risk {self.risk.ref} accepted by {self.accepted_by} until {self.expires_on:%d %b %Y}"

    def clean(self):
        super().clean()
        errors = implausible_dates(self, ("accepted_on", "expires_on"))
        if errors:
            raise ValidationError(errors)

    def in_force_on(self, day):
        return self.accepted_on <= day <= self.expires_on
