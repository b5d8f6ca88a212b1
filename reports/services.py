"""Writes to papers. Each leaves a revision with the acting user and a reason,
through save() (never queryset.update() or bulk methods)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reports.models import Paper, PaperRisk, not_open_at_meeting
from risks.models import Risk
from riskregister.tracking import delete_tracked, lock_versioned, save_tracked

FRAME_FIELDS = ("panel", "title", "report_by", "author_name", "cutoff_date")
EDITABLE_FIELDS = FRAME_FIELDS + Paper.NARRATIVE_FIELDS
# Switches for optional sections: edited with the paper, not text.
SECTION_OPTIONS = ("include_changes", "confirmed_sections", "appetite_column", "outside_appetite_section")


def _copy_narrative(source, target):
    for name in Paper.NARRATIVE_FIELDS + ("report_by", "author_name", "panel"):
        setattr(target, name, getattr(source, name))


@transaction.atomic
def create_paper(*, user, reason, meeting_date, title, copy_from=None, **fields):
    """A new paper for a meeting; with `copy_from`, it starts from that paper's narrative
    and Appendix 2 choices (risks not open as at the new meeting date left out)."""
    paper = Paper(meeting_date=meeting_date, title=title)
    if copy_from is not None:
        _copy_narrative(copy_from, paper)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"Not editable here: {name}")
        setattr(paper, name, value)
    try:
        with transaction.atomic():
            save_tracked(paper, user=user, reason=reason)
    except IntegrityError:  # another paper for this meeting was made at the same moment (a double click)
        if not Paper.objects.filter(meeting_date=meeting_date).exists():
            raise
        raise ValidationError({"meeting_date": Paper._meta.get_field("meeting_date").error_messages["unique"]}) from None
    if copy_from is not None:
        open_choices = (copy_from.choices.filter(risk__in=Risk.objects.open_on(paper.meeting_date))
                        .order_by("position", "pk"))
        for position, choice in enumerate(open_choices):
            save_tracked(PaperRisk(paper=paper, risk_id=choice.risk_id, position=position),
                         user=user, reason=reason, validate=False)
    return paper


def lock_paper(paper_id, expected_version):
    return lock_versioned(Paper, paper_id, expected_version)


@transaction.atomic
def update_paper(*, paper_id, expected_version, user, reason, **changes):
    """Change the frame and narrative as one revision; ConflictError if it moved on."""
    unknown = set(changes) - set(EDITABLE_FIELDS) - set(SECTION_OPTIONS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    paper = lock_paper(paper_id, expected_version)
    for name, value in changes.items():
        setattr(paper, name, value)
    paper.version += 1
    return save_tracked(paper, user=user, reason=reason)


@transaction.atomic
def set_appendix_2(*, paper_id, expected_version, risks, user, reason):
    """Make Appendix 2 exactly `risks`, in that order. Risks not open as at the
    meeting date (closed on or before it, or raised after it) are refused."""
    paper = lock_paper(paper_id, expected_version)
    risks = list(risks)
    closed = [risk.ref for risk in risks if not risk.is_open_on(paper.meeting_date)]
    if closed:
        raise ValidationError({"risks": not_open_at_meeting(", ".join(closed))})
    if len({risk.pk for risk in risks}) != len(risks):
        raise ValidationError({"risks": "Choose each risk only once."})
    current = {choice.risk_id: choice for choice in paper.choices.all()}
    wanted = [risk.pk for risk in risks]
    for risk_id, choice in current.items():
        if risk_id not in wanted:
            delete_tracked(choice, user=user, reason=reason)
    for position, risk_id in enumerate(wanted):
        choice = current.get(risk_id)
        if choice is None:
            save_tracked(PaperRisk(paper=paper, risk_id=risk_id, position=position), user=user, reason=reason, validate=False)
        elif choice.position != position:
            choice.position = position
            save_tracked(choice, user=user, reason=reason, validate=False)
    paper.version += 1
    return save_tracked(paper, user=user, reason=reason, validate=False)


# Draft housekeeping (issue 13, item 5) ------------------------------------------

PUBLISHED_STAYS = (
    "This paper has been published (version {version}), so it cannot be {done}: nothing was changed. "
    "Published papers stay as they were; publish a correction instead."
)
HAS_ROUND = ("This paper has a review round, so it cannot be deleted: nothing was deleted. "
             "Start it again from the previous paper instead.")
NO_PREVIOUS = "There is no earlier paper to start this one from: nothing was changed."


def _refuse_if_published(paper, done):
    last = paper.publications.order_by("-version").values_list("version", flat=True).first()
    if last is not None:
        raise ValidationError(PUBLISHED_STAYS.format(version=last, done=done))


@transaction.atomic
def delete_paper(*, paper_id, expected_version, user, reason):
    """Delete an unpublished draft and its Appendix 2 choices, each with a revision
    saying who and why. Refused (ValidationError) once it has a publication."""
    from riskregister.tracking import check_reason

    check_reason(reason)
    paper = lock_paper(paper_id, expected_version)
    _refuse_if_published(paper, "deleted")
    if paper.review_rounds.exists():
        raise ValidationError(HAS_ROUND)
    for choice in paper.choices.all():
        delete_tracked(choice, user=user, reason=reason)
    delete_tracked(paper, user=user, reason=reason)


@transaction.atomic
def restart_paper(*, paper_id, expected_version, user, reason):
    """Start an unpublished draft again from the previous paper: its narrative and its
    Appendix 2 choices still open as at this meeting; confirmations of carried-over
    text are cleared. One revision of the paper (and of each choice)."""
    from riskregister.tracking import check_reason

    check_reason(reason)
    paper = lock_paper(paper_id, expected_version)
    _refuse_if_published(paper, "started again")
    previous = paper.previous()
    if previous is None:
        raise ValidationError(NO_PREVIOUS)
    _copy_narrative(previous, paper)
    paper.confirmed_sections = []
    wanted = list(previous.choices.filter(risk__in=Risk.objects.open_on(paper.meeting_date))
                  .order_by("position", "pk").values_list("risk_id", flat=True))
    current = {choice.risk_id: choice for choice in paper.choices.all()}
    for risk_id, choice in current.items():
        if risk_id not in wanted:
            delete_tracked(choice, user=user, reason=reason)
    for position, risk_id in enumerate(wanted):
        choice = current.get(risk_id)
        if choice is None:
            save_tracked(PaperRisk(paper=paper, risk_id=risk_id, position=position), user=user, reason=reason, validate=False)
        elif choice.position != position:
            choice.position = position
            save_tracked(choice, user=user, reason=reason, validate=False)
    paper.version += 1
    return save_tracked(paper, user=user, reason=reason)


def carried_over(paper, previous):
    """The narrative sections identical to the previous paper's and not yet confirmed
    by the author as still true: [field name]."""
    if previous is None:
        return []
    confirmed = set(paper.confirmed_sections or [])
    return [
        name for name in Paper.NARRATIVE_FIELDS
        if name not in confirmed and getattr(paper, name).strip() and getattr(paper, name) == getattr(previous, name)
    ]
