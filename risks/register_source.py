"""Where a paper reads the register from: one small interface, `RegisterSource`.

    source = LiveRegister(day)           # today's rows, risks open as at `day`
    source = AsAtRegister(day)           # the register as it stood at the end of `day`
    source.open_risks()                  # [RiskRecord] open as at source.day, in ref order
    source.risks(ids)                    # {id: RiskRecord} for the given ids (open or not)
    source.reviews(ids)                  # {risk id: [ReviewRecord]} dated on or before day, newest first
    source.controls(ids)                 # {risk id: [ControlRecord]} (retired too), in the paper's order
    source.dependencies(ids)             # {risk id: [DependencyRecord]}
    source.acceptances(ids)              # {risk id: [AcceptanceRecord]} of appetite (optional for a fake)

Every method answers in a fixed number of queries (one, or two for the controls
as at a date), however large the register, and returns plain records, not
model instances: a paper (reports.rendering.gather) never follows a relation,
so any source (live, as at a date from the revision history, or a test's fake
made of plain objects) gives the same paper for the same records.
Papers use AsAtRegister(paper.cutoff) (Paper.register_source).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from django.db.models import Q
from django.utils import timezone

from controls.models import Control
from risks.models import AppetiteAcceptance, Owner, Review, Risk, RiskDependency


@dataclass(frozen=True)
class RiskRecord:
    id: int
    ref: str
    title: str
    description: str
    owner_names: str  # the owners in order, joined with " / "
    opened_on: date
    closed_on: date | None
    inherent: tuple[int, int]  # (likelihood, impact)
    current: tuple[int, int]
    target: tuple[int, int]
    summary_heading: str = ""
    summary_statement: str = ""
    category_id: int | None = None  # its primary category (organisation.models.RiskCategory), if any

    @property
    def heading(self):
        """Heading of the summary risk position (Appendix 2)."""
        return self.summary_heading or self.title

    @property
    def statement(self):
        return self.summary_statement or self.description

    def is_open_on(self, day):
        """The rule of Risk.is_open_on: raised on or before `day`, not closed on or before it."""
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)


@dataclass(frozen=True)
class ReviewRecord:
    risk_id: int
    reviewed_on: date
    trend: str  # a risks.models.Trend value
    likelihood: int
    impact: int
    commentary: str = ""


@dataclass(frozen=True)
class ControlRecord:
    id: int
    risk_id: int
    kind: str  # a Control.Kind value
    text: str  # as the paper prints it (Control.text)
    status: str  # a Control.Status value
    owner: str = ""  # the owner's name
    lever: str = ""  # an organisation.models.Lever key, or ""
    due_date: date | None = None


@dataclass(frozen=True)
class DependencyRecord:
    risk_id: int
    depends_on_id: int
    note: str = ""


@dataclass(frozen=True)
class AcceptanceRecord:
    """An explicit acceptance of a risk outside appetite (risks.models.AppetiteAcceptance)."""

    risk_id: int
    accepted_by: str
    reason: str
    accepted_on: date
    expires_on: date

    def in_force_on(self, day):
        return self.accepted_on <= day <= self.expires_on


class RegisterSource(Protocol):
    """The register as a paper sees it, as at `day`."""

    day: date

    def open_risks(self) -> list[RiskRecord]: ...

    def risks(self, ids) -> dict[int, RiskRecord]: ...

    def reviews(self, risk_ids) -> dict[int, list[ReviewRecord]]: ...

    def controls(self, risk_ids) -> dict[int, list[ControlRecord]]: ...

    def dependencies(self, risk_ids) -> dict[int, list[DependencyRecord]]: ...


REF_ORDER = ("ref_number", "ref_suffix", "pk")
CONTROL_ORDER = ("kind", "position", "pk")


def risk_record(risk):
    """A RiskRecord from a Risk (or a historical Risk instance)."""
    return RiskRecord(
        id=risk.pk, ref=risk.ref, title=risk.title, description=risk.description,
        owner_names=risk.owner_names, opened_on=risk.opened_on, closed_on=risk.closed_on,
        inherent=(risk.inherent_likelihood, risk.inherent_impact),
        current=(risk.current_likelihood, risk.current_impact),
        target=(risk.target_likelihood, risk.target_impact),
        summary_heading=risk.summary_heading, summary_statement=risk.summary_statement,
        category_id=risk.category_id,
    )


def review_record(review):
    return ReviewRecord(
        risk_id=review.risk_id, reviewed_on=review.reviewed_on, trend=review.trend,
        likelihood=review.likelihood, impact=review.impact, commentary=review.commentary,
    )


def control_record(control, owner_name):
    return ControlRecord(
        id=control.pk, risk_id=control.risk_id, kind=control.kind, text=control.text,
        status=control.status, owner=owner_name, lever=control.lever, due_date=control.due_date,
    )


def dependency_record(dependency):
    return DependencyRecord(risk_id=dependency.risk_id, depends_on_id=dependency.depends_on_id, note=dependency.note)


def acceptance_record(acceptance):
    return AcceptanceRecord(
        risk_id=acceptance.risk_id, accepted_by=acceptance.accepted_by, reason=acceptance.reason,
        accepted_on=acceptance.accepted_on, expires_on=acceptance.expires_on,
    )


def grouped(records, key="risk_id"):
    groups = {}
    for record in records:
        groups.setdefault(getattr(record, key), []).append(record)
    return groups


class LiveRegister:
    """Today's rows: which risks are listed follows `day`, their content is as now."""

    def __init__(self, day):
        self.day = day

    def open_risks(self):
        return [risk_record(risk) for risk in Risk.objects.open_on(self.day).order_by(*REF_ORDER)]

    def risks(self, ids):
        return {risk.pk: risk_record(risk) for risk in Risk.objects.filter(pk__in=list(ids))} if ids else {}

    def reviews(self, risk_ids):
        if not risk_ids:
            return {}
        reviews = Review.objects.filter(risk_id__in=list(risk_ids), reviewed_on__lte=self.day).order_by("-reviewed_on", "-pk")
        return grouped(review_record(review) for review in reviews)

    def controls(self, risk_ids):
        if not risk_ids:
            return {}
        controls = Control.objects.filter(risk_id__in=list(risk_ids)).select_related("owner").order_by(*CONTROL_ORDER)
        return grouped(control_record(control, control.owner.name if control.owner else "") for control in controls)

    def dependencies(self, risk_ids):
        if not risk_ids:
            return {}
        dependencies = RiskDependency.objects.filter(risk_id__in=list(risk_ids)).order_by("pk")
        return grouped(dependency_record(dependency) for dependency in dependencies)

    def acceptances(self, risk_ids):
        """The acceptances in force on the day, latest expiry first."""
        if not risk_ids:
            return {}
        accepted = AppetiteAcceptance.objects.filter(
            risk_id__in=list(risk_ids), accepted_on__lte=self.day, expires_on__gte=self.day,
        ).order_by("-expires_on", "-pk")
        return grouped(acceptance_record(acceptance) for acceptance in accepted)


def end_of(day):
    """The last moment of `day` in the project's time zone: revisions up to it count."""
    midnight = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return midnight - timedelta(microseconds=1)


class AsAtRegister:
    """The register as it stood at the end of `day`, rebuilt from the revision history
    (django-simple-history's `as_of`): refs, titles, descriptions, owners, scores,
    reviews (so trends), controls and dependencies as they were then. Edits made
    since, even backdated ones, do not show."""

    def __init__(self, day):
        self.day = day
        self.moment = end_of(day)

    def rows(self, model):
        """A tracked model's rows as they stood at the end of the day: the latest revision of each
        up to then, as model instances; those deleted by then left out, those deleted since kept.
        A queryset, so callers (the register's filters) can use it in a subquery."""
        return model.history.as_of(self.moment)

    def open_risks(self):
        risks = self.rows(Risk).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=self.day), opened_on__lte=self.day)
        return [risk_record(risk) for risk in risks.order_by("ref_number", "ref_suffix", "id")]

    def risks(self, ids):
        return {risk.pk: risk_record(risk) for risk in self.rows(Risk).filter(id__in=list(ids))} if ids else {}

    def reviews(self, risk_ids):
        if not risk_ids:
            return {}
        reviews = (self.rows(Review).filter(risk_id__in=list(risk_ids), reviewed_on__lte=self.day)
                   .order_by("-reviewed_on", "-id"))
        return grouped(review_record(review) for review in reviews)

    def controls(self, risk_ids):
        if not risk_ids:
            return {}
        controls = list(self.rows(Control).filter(risk_id__in=list(risk_ids)).order_by("kind", "position", "id"))
        owner_ids = {control.owner_id for control in controls if control.owner_id}
        names = dict(self.rows(Owner).filter(id__in=owner_ids).values_list("id", "name")) if owner_ids else {}
        return grouped(control_record(control, names.get(control.owner_id, "")) for control in controls)

    def dependencies(self, risk_ids):
        if not risk_ids:
            return {}
        dependencies = self.rows(RiskDependency).filter(risk_id__in=list(risk_ids)).order_by("id")
        return grouped(dependency_record(dependency) for dependency in dependencies)

    def acceptances(self, risk_ids):
        """The acceptances recorded by the end of the day and in force on it, latest expiry first."""
        if not risk_ids:
            return {}
        accepted = self.rows(AppetiteAcceptance).filter(
            risk_id__in=list(risk_ids), accepted_on__lte=self.day, expires_on__gte=self.day,
        ).order_by("-expires_on", "-id")
        return grouped(acceptance_record(acceptance) for acceptance in accepted)
