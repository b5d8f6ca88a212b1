"""Writes of review rounds: open a round, confirm a risk unchanged, sign off, and the
publish gate. Each runs in one transaction with keyword-only arguments."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import Paper
from publications import publishing
from reports import services as paper_services
from riskregister import access
from risks import services as risk_services
from risks.models import Risk, Trend
from rounds import status
from rounds.models import Confirmation, PublicationGateOverride, ReviewRound, SignOff

OPEN_REASON = "Draft for the review round"
CONFIRM_REASON = "Confirmed unchanged in the review round"


def open_round_for(paper):
    return ReviewRound.objects.filter(paper=paper, closed_at__isnull=True).first()


def latest_round_for(paper):
    return ReviewRound.objects.filter(paper=paper).order_by("-opened_at", "-pk").first()


def draft_paper_for(*, meeting_date, user):
    """The meeting's paper, created as a draft from the previous paper if there is none."""
    paper = Paper.objects.filter(meeting_date=meeting_date).first()
    if paper is not None:
        return paper
    previous = Paper.objects.filter(meeting_date__lt=meeting_date).order_by("-meeting_date").first()
    title = previous.title if previous else "Risk Management Report"
    return paper_services.create_paper(user=user, reason=OPEN_REASON, meeting_date=meeting_date,
                                       title=title, copy_from=previous)


@transaction.atomic
def open_round(*, meeting_date, opens_on=None, deadline, user):
    """Open the round for a meeting (creating its draft paper if needed); reminders follow.

    ValidationError, with nothing written, for a deadline before the opening or after
    the meeting, a second open round, or a meeting whose paper is already published.
    """
    from rounds.tasks import send_reminders_task

    opens_on = opens_on or timezone.localdate()
    errors = {}
    if deadline <= opens_on:
        errors["deadline"] = f"The deadline must be after the day the round opens ({opens_on:%d %B %Y})."
    elif deadline > meeting_date:
        errors["deadline"] = f"The deadline must be on or before the meeting ({meeting_date:%d %B %Y})."
    paper = Paper.objects.filter(meeting_date=meeting_date).first()
    if paper is not None and paper.publications.exists():
        errors["meeting_date"] = (f"The paper for {meeting_date:%d %B %Y} is already published: "
                                  "a round can only feed a paper still in draft.")
    elif paper is not None and open_round_for(paper) is not None:
        errors["meeting_date"] = f"There is already an open round for the meeting of {meeting_date:%d %B %Y}."
    if errors:
        raise ValidationError(errors)
    paper = draft_paper_for(meeting_date=meeting_date, user=user)
    review_round = ReviewRound(paper=paper, opens_on=opens_on, deadline=deadline, opened_by=user)
    review_round.full_clean()
    try:
        with transaction.atomic():
            review_round.save()
    except IntegrityError:  # another author opened one at the same moment
        raise ValidationError({"meeting_date": "There is already an open round for this meeting."}) from None
    transaction.on_commit(send_reminders_task.enqueue)
    return review_round


def owner_of(user, risk):
    """The user's owner entry if they own the risk, else None."""
    for owner in risk.ordered_owners():
        if owner.user_id == user.pk:
            return owner
    return None


@transaction.atomic
def confirm_unchanged(*, review_round, risk_id, user, words):
    """The owner says nothing moved: a "No change" review with their words, in one step.

    An SMT editor who does not own the risk confirms on the owner's behalf (recorded);
    anyone else is refused.
    """
    if not access.can(user, "edit_register"):
        raise PermissionDenied
    # One confirmation at a time in a round: a second click waits, then finds the first's.
    ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    risk = Risk.objects.with_owners().get(pk=risk_id)
    if not risk.is_open_on(review_round.opens_on):
        raise ValidationError("This risk is not in the round.")
    if not risk.is_open:
        raise ValidationError(f"Risk {risk.ref} is closed: there is nothing to confirm.")
    if not review_round.is_open:
        raise ValidationError("This round is closed.")
    if Confirmation.objects.filter(round=review_round, risk=risk).exists():
        raise ValidationError(f"Risk {risk.ref} is already confirmed unchanged for this round.")
    words = (words or "").strip()
    if not words:
        raise ValidationError({"words": "Say in a few words why nothing has changed."})
    own = owner_of(user, risk)
    owners = risk.ordered_owners()
    on_behalf_of = None if own else (owners[0] if owners else None)
    commentary = words if own or on_behalf_of is None else f"{words}\n\n(Confirmed by {user.get_full_name() or user.username} on behalf of {on_behalf_of.name}.)"
    review = risk_services.record_review(
        risk_id=risk.pk, user=user, reason=CONFIRM_REASON, reviewed_on=timezone.localdate(),
        trend=Trend.NO_CHANGE, likelihood=risk.current_likelihood, impact=risk.current_impact,
        commentary=commentary,
    )
    return Confirmation.objects.create(round=review_round, risk=risk, review=review, confirmed_by=user,
                                       on_behalf_of=on_behalf_of)


@transaction.atomic
def sign_off(*, review_round, user, note=""):
    """The SMT agrees the register for the round; refused while anything is outstanding."""
    if not access.can(user, "edit_register"):
        raise PermissionDenied
    ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    outstanding = [row for row in status.risk_rows(review_round) if not row.done]
    if outstanding:
        waiting = ", ".join(row.risk.ref for row in outstanding if row.status not in status.DONE)
        no_plan = ", ".join(row.risk.ref for row in outstanding if row.status in status.DONE)
        raise ValidationError("The register cannot be signed off yet: " + "; ".join(filter(None, [
            waiting and f"risk {waiting} still awaits an update",
            no_plan and f"risk {no_plan} is {status.NO_PLAN_LABEL.lower()}"])) + ".")
    digest, versions = status.register_state(review_round)
    return SignOff.objects.create(round=review_round, signed_by=user, note=(note or "").strip(),
                                  register_sha256=digest, risk_versions=versions)


# The publish gate ---------------------------------------------------------------------------

def outstanding_for_paper(paper):
    """What is outstanding in the paper's round, as sentences (empty: nothing)."""
    review_round = latest_round_for(paper)
    if review_round is None:
        return [f"No review round was run for the meeting of {paper.meeting_date:%d %B %Y}."]
    rows = status.risk_rows(review_round)
    items = [
        f"Risk {row.risk.ref} ({row.risk.title}), owned by {' / '.join(o.name for o in row.owners) or 'nobody'}: "
        + ("not updated in this round." if row.status not in status.DONE
           else "outside appetite with no action plan.")
        for row in rows if not row.done
    ]
    state = status.sign_off_state(review_round, [row.risk for row in rows])
    if state.sign_off is None:
        items.append("The SMT has not signed off the register for this round.")
    elif not state.current:
        changed = f" (changed since: risk {', '.join(state.changed_refs)})" if state.changed_refs else ""
        items.append(f"The SMT sign-off of {timezone.localtime(state.sign_off.signed_at):%d %B %Y %H:%M} "
                     f"is out of date: the register changed after it{changed}.")
    return items


def check_gate(paper, accept_outstanding):
    """The items outstanding in the paper's round; ValidationError if there are some and no reason."""
    outstanding = outstanding_for_paper(paper)
    if outstanding and not (accept_outstanding or "").strip():
        raise ValidationError({"accept_outstanding": (
            "Items are outstanding in the review round: give the reason for publishing anyway.")})
    return outstanding


def publish_with_gate(*, paper_id, user, reason="", accept_outstanding="", **publish_options):
    """Publish through the gate: with anything outstanding, a reason to go ahead is needed,
    and it is stored with the publication (in the publication's own transaction, which
    also closes the round). Rendering runs outside any transaction, as publishing wants."""
    paper = Paper.objects.get(pk=paper_id)
    outstanding = check_gate(paper, accept_outstanding)
    accept_outstanding = (accept_outstanding or "").strip()

    def keep_with_publication(publication):
        if outstanding:
            PublicationGateOverride.objects.create(publication=publication, outstanding="\n".join(outstanding),
                                                   reason=accept_outstanding)
        review_round = open_round_for(publication.paper)
        if review_round is not None:
            review_round.closed_at = timezone.now()
            review_round.save(update_fields=["closed_at"])

    return publishing.publish_paper(paper_id=paper_id, user=user, reason=reason, on_stored=keep_with_publication,
                                    **publish_options)
