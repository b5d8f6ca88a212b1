from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from organisation.current import current
from reports.markup import NarrativeError, check_plain_text, link_references, parse
from riskregister.dates import implausible_dates
from risks.register_source import AsAtRegister, LiveRegister, end_of

PLAIN_TEXT_HINT = (
    "Plain text. Leave a blank line between paragraphs. Write **words** for bold, "
    "and a risk's ref in double square brackets, such as [[4]] or [[2a]], for a cross-reference."
)


def narrative_field(verbose_name, help_text=PLAIN_TEXT_HINT, blank=True):
    return models.TextField(verbose_name, max_length=20000, blank=blank, help_text=help_text)


class Paper(models.Model):
    """One panel meeting's report: its frame and narrative, in the seed's order."""

    panel = models.CharField(max_length=200, default="Audit Panel")
    meeting_date = models.DateField(
        "meeting date", unique=True,
        error_messages={"unique": "There is already a paper for a meeting on this date."},
    )
    title = models.CharField(max_length=200, help_text="Such as “MOPAC Risk Management Report”.")
    report_by = models.CharField("report by", max_length=200, default="Chief Executive Officer")
    cutoff_date = models.DateField(
        "register as at", null=True, blank=True,
        help_text="The paper shows the register as it stood at the end of this day. "
                  "Leave empty for the meeting date. For example, 2017-09-15.",
    )
    author_name = models.CharField(
        "author's name", max_length=200, blank=True,
        help_text="Stored as the PDF's author; the paper prints the contact details below.",
    )
    # Narrative, in the paper's order (see reports.sections.SECTIONS).
    summary = narrative_field("report summary")
    key_considerations = narrative_field("key considerations for the panel")
    interdependencies = narrative_field("interdependencies and cross-cutting issues")
    recommendations_intro = narrative_field(
        "recommendations: opening words", help_text="Such as “The Audit Panel is recommended to:”.",
    )
    recommendations = narrative_field(
        "recommendations", help_text="One recommendation per line; the paper letters them a, b, c.",
    )
    supporting_information = narrative_field(
        "supporting information",
        help_text="Paragraphs separated by a blank line; the paper numbers them 1.1, 1.2 and so on.",
    )
    equality_diversity = narrative_field("equality and diversity impact")
    financial = narrative_field("financial implications")
    legal = narrative_field("legal implications")
    risk_implications = narrative_field("risk implications")
    contact_details = narrative_field("contact details")
    background_papers = narrative_field(
        "background papers", help_text="Listed after the appendices; leave empty if there are none.",
    )
    governance_model = narrative_field(
        "Appendix 3: internal governance (restricted)",
        help_text="Only in the restricted pack.",
    )
    include_changes = models.BooleanField(
        "include “Changes since the last paper”", default=False,
        help_text="A section before the appendices listing what changed since the previous paper: "
                  "the public changes in the public pack, and score and description changes too in the restricted pack.",
    )
    # Issue 17: risk appetite in the paper (HM Treasury Orange Book). Off by default, so a
    # paper reproduces the seed unless its author asks for them.
    appetite_column = models.BooleanField(
        "add a column “Within appetite” to Appendix 1", default=False,
        help_text="Yes or No for each risk: whether its current score is within the tolerance set for its category. "
                  "A dash where the risk has no category, or its category no appetite.",
    )
    outside_appetite_section = models.BooleanField(
        "add a section listing the risks outside appetite with their plans", default=False,
        help_text="After Appendix 1: each risk above its category's tolerance, with its control actions "
                  "(owner and due date) or the acceptance in force, or that no plan is recorded.",
    )
    # Narrative sections the author confirmed are still true, though carried over
    # unchanged from the previous paper (issue 13, item 5): their field names.
    confirmed_sections = models.JSONField(default=list, blank=True, editable=False)
    appendix_2_risks = models.ManyToManyField(
        "risks.Risk", through="PaperRisk", related_name="papers", blank=True,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    NARRATIVE_FIELDS = (
        "summary", "key_considerations", "interdependencies", "recommendations_intro",
        "recommendations", "supporting_information", "equality_diversity", "financial", "legal",
        "risk_implications", "contact_details", "background_papers", "governance_model",
    )

    class Meta:
        ordering = ["-meeting_date"]
        permissions = [
            ("publish_paper", "Can publish a paper"),
            ("view_restricted_pack", "Can see a paper's restricted pack"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title=""), name="paper_title_not_empty",
                violation_error_message="Enter a title.",
            ),
            models.CheckConstraint(
                condition=~Q(panel=""), name="paper_panel_not_empty",
                violation_error_message="Enter the panel's name.",
            ),
            models.CheckConstraint(
                condition=Q(cutoff_date__isnull=True) | Q(cutoff_date__lte=F("meeting_date")),
                name="paper_cutoff_not_after_meeting",
                violation_error_message="The register's date cannot be after the meeting date.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.panel}, {self.meeting_date:%d %B %Y})"

    @property
    def cutoff(self):
        """The day the paper's register is as at: its cut-off date, by default the meeting date."""
        return self.cutoff_date or self.meeting_date

    def round_deadline(self):
        """The deadline of this meeting's review round (the open one, else the latest), or None:
        the cut-off date the edit form suggests. One query."""
        rounds = self.review_rounds.order_by(F("closed_at").desc(nulls_first=True), "-opened_at", "-pk")
        return rounds.values_list("deadline", flat=True).first()

    def cutoff_name(self):
        """How messages name the cut-off date."""
        if self.cutoff is None or self.cutoff == self.meeting_date:
            return "the meeting date"
        return f"the paper's cut-off date ({self.cutoff.day} {self.cutoff:%B %Y})"

    def cutoff_display(self):
        if self.cutoff is None:
            return "the meeting date"
        kind = "the meeting date" if self.cutoff == self.meeting_date else "the paper's cut-off date"
        return f"{self.cutoff.day} {self.cutoff:%B %Y} ({kind})"

    def register_source(self):
        """The register this paper is built from (risks.register_source.RegisterSource):
        as it stood at the end of the cut-off date, read from the revision history."""
        return AsAtRegister(self.cutoff)

    def clean(self):
        """Plain text only; typed cross-references ([[2a]]) become stored ones ([[risk:N]]),
        each naming a risk open at the cut-off date."""
        super().clean()
        errors = implausible_dates(self, ("meeting_date", "cutoff_date"))
        if errors:  # the register as at a year-1 date is not worth asking for
            raise ValidationError(errors)
        self._check_cutoff_date()
        day = self.cutoff or timezone.localdate()
        source = self.register_source() if self.cutoff else LiveRegister(day)
        ids_by_ref = None
        for name in self.NARRATIVE_FIELDS:
            try:
                text = getattr(self, name)
                check_plain_text(text)
                if "[[" in text or "]]" in text:
                    if ids_by_ref is None:  # one query for all the sections
                        ids_by_ref = {risk.ref.lower(): risk.id for risk in source.open_risks()}
                    text = link_references(text, ids_by_ref, day_display=self.cutoff_display())
                    setattr(self, name, text)
                    check_references(parse(text), day, open_ids=set(ids_by_ref.values()), day_name=self.cutoff_name())
            except NarrativeError as error:
                errors[name] = str(error)
        if errors:
            raise ValidationError(errors)

    def _check_cutoff_date(self):
        from risks.models import Risk

        if self.cutoff_date is None or self.meeting_date is None:
            return
        if self.cutoff_date > self.meeting_date:
            raise ValidationError({"cutoff_date": "The register's date cannot be after the meeting date: "
                                                  f"enter {self.meeting_date:%Y-%m-%d} or an earlier date."})
        first = Risk.history.order_by("history_date").values_list("history_date", flat=True).first()
        if first is None or first > end_of(self.cutoff_date):
            since = f" The register's history starts on {timezone.localdate(first):%Y-%m-%d}." if first else ""
            raise ValidationError({"cutoff_date": "There is no register on that date to show: enter a later date."
                                                  + since})

    def previous(self):
        return Paper.objects.filter(meeting_date__lt=self.meeting_date).order_by("-meeting_date").first()


def check_references(parsed, day, *, open_ids, day_name="the meeting date"):
    """Every cross-reference must name a risk open as at `day` (the paper's cut-off date),
    the same rule as the paper's appendices. `open_ids`: the ids of the risks open then;
    the others are looked up (one query) to say what is wrong with them."""
    from risks.models import Risk

    wanted = {value for paragraph in parsed for kind, value in paragraph if kind == "risk"} - set(open_ids)
    if not wanted:
        return
    found = {risk.pk: risk for risk in Risk.objects.filter(pk__in=wanted).only("pk", "ref", "opened_on", "closed_on")}
    for pk in sorted(wanted):
        risk = found.get(pk)
        if risk is None:
            raise NarrativeError("A cross-reference refers to a risk no longer in the register: pick one from the list.")
        if risk.closed_on is not None and risk.closed_on <= day:
            raise NarrativeError(f"[[{risk.ref}]] refers to a closed risk (Risk {risk.ref}, closed on "
                                 f"{risk.closed_on:%d/%m/%Y}): pick an open one from the list.")
        when = "raised after" if risk.opened_on > day else "not open as at"
        raise NarrativeError(f"[[{risk.ref}]] refers to Risk {risk.ref}, {when} {day_name}: "
                             "pick one from the list.")


def not_open_at_meeting(refs):
    """Appendix 2's refusal of risks that were not open as at the meeting date."""
    return f"Risk {refs} was not open on the meeting date: Appendix 2 shows risks open as at the meeting only."


class PaperRisk(models.Model):
    """A risk the author chose for Appendix 2 (summary risk position), in order."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="choices")
    risk = models.ForeignKey("risks.Risk", on_delete=models.PROTECT, related_name="paper_choices")
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "Appendix 2 risk"
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "risk"], name="paperrisk_unique",
                violation_error_message="This risk is already in Appendix 2.",
            ),
        ]

    def __str__(self):
        return f"Appendix 2 of {self.paper}: risk {self.risk_id}"

    def clean(self):
        super().clean()
        # An admin inline's paper may not be saved yet: its meeting date is still known.
        paper = self.paper if self.paper_id or self._meta.get_field("paper").is_cached(self) else None
        if self.risk_id and paper is not None and paper.meeting_date and not self.risk.is_open_on(paper.meeting_date):
            raise ValidationError({"risk": not_open_at_meeting(self.risk.ref)})


def organisation():
    return {"name": current().name, "short_name": current().short_name}

