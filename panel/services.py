"""Writes of panel questions and actions: each in one transaction, each a revision with who and why."""

from django.core.exceptions import ValidationError
from django.db import transaction

from panel import notifications
from panel.models import Alignment, DeepDive, PanelItem, Partner, PartnerRisk
from publications.models import Publication
from riskregister.tracking import check_reason, delete_tracked, lock_versioned, save_tracked
from risks.models import Risk

EDITABLE = ("paper", "kind", "text", "owner", "due_date", "due_next_meeting", "status", "answer", "restricted")


def current_publication(paper_id):
    return Publication.objects.filter(paper_id=paper_id).order_by("-version").only("id", "version").first()


@transaction.atomic
def raise_question(*, publication, text, user):
    """A panel member's question on the version they read: refused unless it is the current one."""
    latest = current_publication(publication.paper_id)
    if latest is None or latest.pk != publication.pk:
        raise ValidationError({"text": (
            "This version has been superseded: raise your question on the current version of the paper."
        )})
    item = PanelItem(paper_id=publication.paper_id, kind=PanelItem.Kind.QUESTION, text=text.strip(),
                     raised_by=user, publication=publication)
    save_tracked(item, user=user, reason=f"Raised by a panel member on version {publication.version}")
    # The database queue's row commits with the question: the authors hear of it once it is kept.
    notifications.notify.enqueue(item.pk, notifications.RAISED)
    return item


@transaction.atomic
def record_item(*, user, reason, risks=(), **fields):
    """The author records what the panel asked, requested or resolved."""
    item = PanelItem(raised_by=user, **{name: fields[name] for name in EDITABLE if name in fields})
    item.text = (item.text or "").strip()
    save_tracked(item, user=user, reason=reason)
    _set_risks(item, risks, user=user, reason=reason)
    if item.owner_id:
        notifications.notify.enqueue(item.pk, notifications.ASSIGNED)
    return item


@transaction.atomic
def update_item(*, item_id, expected_version, user, reason, risks=None, **fields):
    item = lock_versioned(PanelItem, item_id, expected_version)
    owner_before = item.owner_id
    for name in EDITABLE:
        if name in fields:
            setattr(item, name, fields[name])
    item.text = (item.text or "").strip()
    item.version += 1
    save_tracked(item, user=user, reason=reason)
    if risks is not None:
        _set_risks(item, risks, user=user, reason=reason)
    if item.owner_id and item.owner_id != owner_before:
        notifications.notify.enqueue(item.pk, notifications.ASSIGNED)
    return item


@transaction.atomic
def answer_item(*, item_id, expected_version, answer, user, reason, close=False):
    """The owner (or an SMT editor for them) answers: status answered, or closed."""
    item = lock_versioned(PanelItem, item_id, expected_version)
    item.answer = answer.strip()
    item.status = PanelItem.Status.CLOSED if close else PanelItem.Status.ANSWERED
    if not item.answer:
        raise ValidationError({"answer": "Enter the answer."})
    item.version += 1
    return save_tracked(item, user=user, reason=reason)


def _set_risks(item, risks, *, user, reason):
    """The risks it concerns; django-simple-history records the change as a revision too."""
    wanted = {risk.pk for risk in risks}
    if wanted == set(item.risks.values_list("pk", flat=True)):
        return
    item._history_user = user
    item._change_reason = reason.strip()
    item.risks.set(list(risks))


@transaction.atomic
def schedule_deep_dive(*, risk, paper, user, reason, note=""):
    """A deep dive of `risk` at the meeting of `paper`: not at a meeting already published."""
    lock_versioned(Risk, risk.pk, None)  # one change to a risk's links at a time: a double click finds the first
    if current_publication(paper.pk) is not None:
        raise ValidationError({"paper": "That meeting's paper is already published: choose a coming meeting."})
    if risk.status != Risk.Status.OPEN:
        raise ValidationError({"risk": "Choose a risk that is open."})
    return save_tracked(DeepDive(risk=risk, paper=paper, note=note.strip(), requested_by=user),
                        user=user, reason=reason)


@transaction.atomic
def link_partner_risk(*, risk, partner, ref, user, reason, title="", rating="", note=""):
    """Link `risk` to the partner's risk `ref` (recorded if new; title and rating updated if given)."""
    lock_versioned(Risk, risk.pk, None)  # one change to a risk's links at a time: a double click finds the first
    # One new partner ref at a time too: two risks linking the same new ref at once share one record.
    lock_versioned(Partner, partner.pk, None)
    ref = ref.strip()
    partner_risk = PartnerRisk.objects.filter(partner=partner, ref=ref).first() or PartnerRisk(partner=partner, ref=ref)
    given = {"title": title.strip(), "rating": rating.strip()}
    changed = {name: value for name, value in given.items() if value and value != getattr(partner_risk, name)}
    if partner_risk.pk is None or changed:
        for name, value in changed.items():
            setattr(partner_risk, name, value)
        save_tracked(partner_risk, user=user, reason=reason)
    return save_tracked(Alignment(risk=risk, partner_risk=partner_risk, note=note.strip()), user=user, reason=reason)


@transaction.atomic
def unlink_partner_risk(*, alignment, user, reason):
    check_reason(reason)
    delete_tracked(alignment, user=user, reason=reason)
