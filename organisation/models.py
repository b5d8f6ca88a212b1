"""The organisation's own settings, kept in the database so a risk manager can change
them in the app: its name, the score bands, the levers, the risk categories, the
appetite scale and the appetite set for each category (HM Treasury Orange Book;
GFF Risk Appetite Guidance Note, 2021).

Every row keeps its history (who, when, why), so a draft rebuilt as at a date can
use the settings of that date (organisation.current.settings_as_at). Keys are
stable identifiers written once; what people read (labels, names) may change, and
whatever refers to a key follows.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from riskregister.dates import implausible_dates
from riskregister.history_chain import ChainedHistory

KEY_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$", "A key is lower-case letters, digits and underscores, starting with a letter.",
)
SCORE_RANGE = range(1, 26)
TOLERANCE_MESSAGE = "Enter a score from 1 to 25."
COLOUR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as # and six hexadecimal digits, such as #b3261e.")


def key_field():
    return models.CharField(
        max_length=40, unique=True, validators=[KEY_VALIDATOR],
        help_text="A short identifier that never changes, such as financial.",
    )


def score_1_to_25(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(1, TOLERANCE_MESSAGE), MaxValueValidator(25, TOLERANCE_MESSAGE)],
        **kwargs,
    )


def in_score_range(field, name):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 25}), name=name,
        violation_error_message=TOLERANCE_MESSAGE,
    )


class Organisation(models.Model):
    """The one organisation this register belongs to (a single row, pk 1)."""

    name = models.CharField(max_length=200, help_text="As the paper's title page prints it.")
    short_name = models.CharField("short name", max_length=40, help_text="Such as MOPAC.")
    # Raised by each change; a form posts the version it showed, so two people never overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        # The risk manager's permission: every setting of this app, in its pages.
        permissions = [("manage_settings", "Can change the organisation's settings (risk manager)")]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="organisation_single_row"),
            models.CheckConstraint(condition=~Q(name=""), name="organisation_name_not_empty",
                                   violation_error_message="Enter the organisation's name."),
            models.CheckConstraint(condition=~Q(short_name=""), name="organisation_short_name_not_empty",
                                   violation_error_message="Enter the organisation's short name."),
        ]

    def __str__(self):
        return self.name


class ScoreBand(models.Model):
    """A band of scores (likelihood x impact, 1 to 25) with how it prints. Together the
    bands cover every score exactly once (organisation.services.save_bands checks the set)."""

    class Pattern(models.TextChoices):
        # The band's border: printed in black and white, or read by someone who cannot
        # tell its colour, a band is still told apart by its label and its border.
        SOLID = "solid", "Solid border"
        DASHED = "dashed", "Dashed border"
        DOTTED = "dotted", "Dotted border"
        DOUBLE = "double", "Double border"

    key = key_field()
    label = models.CharField(max_length=40)
    lowest = score_1_to_25("lowest score")
    highest = score_1_to_25("highest score")
    colour = models.CharField(max_length=7, validators=[COLOUR_VALIDATOR], help_text="The colour its label and border print in, such as #b3261e.")
    pattern = models.CharField(max_length=12, choices=Pattern.choices, default=Pattern.SOLID)
    # Raised by each change; a form posts the version it showed, so two people never overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        ordering = ["-lowest"]
        constraints = [
            in_score_range("lowest", "scoreband_lowest_1_to_25"),
            in_score_range("highest", "scoreband_highest_1_to_25"),
            models.CheckConstraint(condition=Q(lowest__lte=F("highest")), name="scoreband_lowest_not_above_highest",
                                   violation_error_message="The lowest score cannot be above the highest."),
            models.UniqueConstraint(fields=["label"], name="scoreband_unique_label",
                                    violation_error_message="Another band already has this label."),
            models.CheckConstraint(condition=~Q(label=""), name="scoreband_label_not_empty",
                                   violation_error_message="Enter the band's label."),
        ]

    def __str__(self):
        return f"{self.label} ({self.lowest}–{self.highest})"


class NamedSetting(models.Model):
    """A named entry of a list the organisation keeps (levers, categories, the appetite
    scale): a key that never changes, a name that may, an order, and retirement instead
    of deletion once it is in use."""

    key = key_field()
    label = models.CharField(max_length=100)
    description = models.TextField(max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField("display order", default=0)
    active = models.BooleanField(default=True, help_text="Retired entries keep their history but are no longer offered.")
    # Raised by each change; a form posts the version it showed, so two people never overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        # The workbook lists a risk's other categories as "A; B", its revisions as "A / B".
        if ";" in self.label or " / " in self.label:
            raise ValidationError({"label": "Use a name without “;” or “ / ” (they separate names in lists)."})


class Lever(NamedSetting):
    """A way the organisation can act on a risk (governance model): controls record the
    lever they use by its key, so renaming a lever renames it everywhere."""

    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta(NamedSetting.Meta):
        constraints = [models.UniqueConstraint(fields=["label"], name="lever_unique_label",
                                               violation_error_message="Another lever already has this name.")]


class RiskCategory(NamedSetting):
    """A category of risk (GFF Risk Appetite Guidance Note: strategy, financial, people, ...)."""

    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta(NamedSetting.Meta):
        verbose_name_plural = "risk categories"
        constraints = [models.UniqueConstraint(fields=["label"], name="riskcategory_unique_label",
                                               violation_error_message="Another category already has this name.")]


class AppetiteLevel(NamedSetting):
    """A step of the appetite scale, least willing first (Averse, Minimal, Cautious, Open, Eager)."""

    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta(NamedSetting.Meta):
        constraints = [models.UniqueConstraint(fields=["label"], name="appetitelevel_unique_label",
                                               violation_error_message="Another level already has this name.")]


class CategoryAppetite(models.Model):
    """The appetite set for one category: a level of the scale, a statement, and the
    tolerance (the highest current score accepted for a risk of that category),
    approved by a named body on a date."""

    category = models.OneToOneField(RiskCategory, on_delete=models.PROTECT, related_name="appetite")
    level = models.ForeignKey(AppetiteLevel, on_delete=models.PROTECT, related_name="appetites",
                              verbose_name="appetite level")
    statement = models.TextField(max_length=2000, help_text="In a sentence or two, what the organisation will accept.")
    tolerance = score_1_to_25(
        "tolerance", help_text="The highest current score accepted for a risk of this category, from 1 to 25.",
    )
    approved_by = models.CharField("approved by", max_length=200, help_text="The body that approved it, such as the Audit Panel.")
    approved_on = models.DateField("approved on", help_text="For example, 2017-06-20.")
    # Raised by each change; a form posts the version it showed, so two people never overwrite each other.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(bases=[ChainedHistory])

    class Meta:
        ordering = ["category__position", "category__pk"]
        constraints = [
            in_score_range("tolerance", "categoryappetite_tolerance_1_to_25"),
            models.CheckConstraint(condition=~Q(statement=""), name="categoryappetite_statement_not_empty",
                                   violation_error_message="Enter the appetite statement."),
            models.CheckConstraint(condition=~Q(approved_by=""), name="categoryappetite_approved_by_not_empty",
                                   violation_error_message="Enter who approved it."),
        ]

    def __str__(self):
        return f"Appetite for {self.category}: {self.level}, tolerance {self.tolerance}"

    def clean(self):
        super().clean()
        errors = implausible_dates(self, ("approved_on",))
        if errors:
            raise ValidationError(errors)


class SettingsStamp(models.Model):
    """One row whose token changes, in the same transaction, with every change to the settings
    above. Each process keeps the settings it last read beside the token it read first, and
    reuses them only while the database's token is the same: one small query per request
    instead of one per kind of setting, and a change made through any server is seen by the
    next request on every server. Not history, not backed up: a restore writes a new token."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField(max_length=32)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="settingsstamp_single_row")]

    def __str__(self):
        return self.token


# What SettingsStamp follows: a change to any of these, through the ORM, gives a new token.
# (A data migration changing them must write a new token too.)
SETTINGS_MODELS = (Organisation, ScoreBand, Lever, RiskCategory, AppetiteLevel, CategoryAppetite)
