"""Writes to the register. Each leaves a revision with the acting user and a reason.

Every write goes through save() (never queryset.update() or bulk methods), so
django-simple-history records it. Every write that touches a risk locks the
risk's row first, so two saves never wait on each other in opposite orders.

A risk's edit page saves its controls too, so this module uses controls'
services; controls never use these (a control belongs to a risk, not the reverse).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from controls.services import apply_control_changes
from riskregister.tracking import REASON_MAX_LENGTH, check_reason, delete_tracked, lock_versioned, save_tracked
from risks.appetite import status_for
from risks.categories import NAMES_SEPARATOR, categories_named
from risks.models import AppetiteAcceptance, Owner, Review, Risk, RiskDependency, RiskOwner

RISK_EDITABLE_FIELDS = (
    "ref", "title", "description", "summary_heading", "summary_statement", "parent",
    "partner_ref", "inherent_likelihood", "inherent_impact", "target_likelihood",
    "target_impact", "opened_on", "next_review", "review_interval_months", "category",
)


def owner_label(owners):
    return " / ".join(owner.name for owner in owners)


def _set_owners(risk, owners, *, user, reason):
    """Make the risk's owners exactly `owners`, in that order. Returns True if changed."""
    owners = list(owners)
    if len({owner.pk for owner in owners}) != len(owners):
        raise ValidationError({"owners": "Name each owner only once."})
    current = {ownership.owner_id: ownership for ownership in risk.ownerships.all()}
    wanted = {owner.pk for owner in owners}
    changed = False
    for owner_id, ownership in current.items():
        if owner_id not in wanted:
            delete_tracked(ownership, user=user, reason=reason)
            changed = True
    for position, owner in enumerate(owners):
        ownership = current.get(owner.pk)
        if ownership is None:
            ownership = RiskOwner(risk=risk, owner=owner, position=position)
            save_tracked(ownership, user=user, reason=reason, validate=False)
            changed = True
        elif ownership.position != position:
            ownership.position = position
            save_tracked(ownership, user=user, reason=reason, validate=False)
            changed = True
    risk.owner_names = owner_label(owners)
    return changed


def other_categories(categories, primary_id):
    """`categories` without the primary one, in the organisation's order."""
    return sorted({category for category in categories if category.pk != primary_id},
                  key=lambda category: (category.position, category.pk))


def category_names(categories):
    return NAMES_SEPARATOR.join(category.label for category in categories)


def _set_secondary_categories(risk, categories):
    """Make the risk's other categories exactly `categories` (not its primary one).
    The risk's revision that follows carries their names, so the change has history."""
    categories = other_categories(categories, risk.category_id)
    risk.secondary_categories.set(categories)
    risk.secondary_category_names = category_names(categories)


@transaction.atomic
def create_risk(*, user, reason, owners=(), secondary_categories=(), **fields):
    risk = Risk(**fields)
    risk.owner_names = owner_label(owners)
    try:
        with transaction.atomic():
            save_tracked(risk, user=user, reason=reason)
    except IntegrityError:  # another open risk with this ref was made at the same moment (a double click)
        if not Risk.objects.open().filter(ref=risk.ref).exists():
            raise
        raise ValidationError({"ref": "Another open risk already has this ref."}) from None
    if owners:
        _set_owners(risk, owners, user=user, reason=reason)
    if secondary_categories:
        _set_secondary_categories(risk, secondary_categories)
        save_tracked(risk, user=user, reason=reason)
    return risk


def lock_risk(risk_id, expected_version):
    return lock_versioned(Risk, risk_id, expected_version)


@transaction.atomic
def update_risk(*, risk_id, expected_version, user, reason, owners=None, secondary_categories=None, **changes):
    """Change a risk's fields (and owners, if given) as one revision.

    `expected_version` is the version the user's form was built from: if anyone
    saved since, nothing is written and ConflictError says so.
    """
    unknown = set(changes) - set(RISK_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {sorted(unknown)}")
    risk = lock_risk(risk_id, expected_version)
    for field, value in changes.items():
        setattr(risk, field, value)
    if owners is not None:
        _set_owners(risk, owners, user=user, reason=reason)
    if secondary_categories is not None:
        _set_secondary_categories(risk, secondary_categories)
    risk.version += 1
    save_tracked(risk, user=user, reason=reason)
    return risk


@transaction.atomic
def close_risk(*, risk_id, expected_version, user, reason):
    """Close an open risk. Closing it again would move its closed date and
    overwrite the reason, so a closed risk is refused (ValidationError)."""
    risk = lock_risk(risk_id, expected_version)
    if not risk.is_open:
        raise ValidationError(
            f"Risk {risk.ref} is already closed (since {risk.closed_on:%d %B %Y}): nothing was changed."
        )
    risk.status = Risk.Status.CLOSED
    risk.closed_reason = reason.strip()
    risk.closed_on = timezone.localdate()
    risk.version += 1
    return save_tracked(risk, user=user, reason=reason)


@transaction.atomic
def reopen_risk(*, risk_id, expected_version, user, reason):
    """Reopen a closed risk; an open one is refused (ValidationError)."""
    risk = lock_risk(risk_id, expected_version)
    if risk.is_open:
        raise ValidationError(f"Risk {risk.ref} is already open: nothing was changed.")
    risk.status = Risk.Status.OPEN
    risk.closed_reason = ""
    risk.closed_on = None
    risk.version += 1
    return save_tracked(risk, user=user, reason=reason)


@transaction.atomic
def record_review(*, risk_id, user, reason, reviewed_on, trend, likelihood, impact,
                  commentary="", expected_version=None):
    """Record a review; the risk's current scores and trend follow the latest review."""
    risk = lock_risk(risk_id, expected_version)
    review = Review(
        risk=risk, reviewed_on=reviewed_on, trend=trend, likelihood=likelihood,
        impact=impact, commentary=commentary, reviewer=user,
    )
    save_tracked(review, user=user, reason=reason)
    latest = risk.reviews.latest()
    if latest.pk == review.pk:
        risk.current_likelihood = likelihood
        risk.current_impact = impact
        risk.trend = trend
        risk.last_reviewed = reviewed_on
        # Reviews keep the calendar: the next one is due an interval after this one.
        risk.next_review = risk.next_review_after(review.reviewed_on)
        risk.version += 1
        save_tracked(risk, user=user, reason=reason)
    return review


@transaction.atomic
def add_dependency(*, risk, depends_on, note="", user, reason):
    lock_risk(risk.pk, None)
    dependency = RiskDependency(risk=risk, depends_on=depends_on, note=note)
    return save_tracked(dependency, user=user, reason=reason)


@transaction.atomic
def remove_dependency(dependency, *, user, reason):
    delete_tracked(dependency, user=user, reason=reason)


@transaction.atomic
def save_owner(owner, *, user, reason):
    return save_tracked(owner, user=user, reason=reason)


def get_or_create_owner(*, name, role_title="", user, reason):
    owner = Owner.objects.filter(name=name).first()
    if owner is None:
        owner = save_owner(Owner(name=name, role_title=role_title), user=user, reason=reason)
    return owner


@transaction.atomic
def edit_risk(*, risk_id, expected_version, user, reason, fields, owners=None, controls=(),
              secondary_categories=None):
    """One save of the edit page: the risk's fields, its owners, its other categories and its controls.

    All or nothing: a conflict or any invalid part rolls the whole save back.
    The risk's version moves on with every save, controls included, so a stale
    form is a conflict even when only the controls changed meanwhile.
    """
    check_reason(reason)
    risk = lock_risk(risk_id, expected_version)
    # Controls first, so the risk's revision (and its new version) closes the save.
    apply_control_changes(risk, list(controls), user=user, reason=reason)
    return update_risk(
        risk_id=risk_id, expected_version=expected_version, user=user, reason=reason,
        owners=owners, secondary_categories=secondary_categories, **fields,
    )


@transaction.atomic
def restore_risk_revision(*, risk_id, history_id, expected_version, user, reason):
    """Bring back the fields of an earlier revision as a new revision; nothing is deleted.

    Its other categories come back from the names the revision kept (read as they were
    then, so a category renamed or retired since is restored); a name that matches no
    category now is left out. Returns the risk, with `restored_categories` (NamedCategories)
    saying which were retired and which could not be restored."""
    risk = lock_risk(risk_id, expected_version)
    old = risk.history.get(history_id=history_id)
    for field in RISK_EDITABLE_FIELDS:
        attname = Risk._meta.get_field(field).attname
        setattr(risk, attname, getattr(old, attname))
    named = categories_named(old.secondary_category_names, old.history_date)
    _set_secondary_categories(risk, named.categories)
    risk.version += 1
    save_tracked(risk, user=user, reason=reason)
    risk.restored_categories = named
    return risk


# Risk appetite: acceptances of a risk outside appetite ----------------------------------

def _appetite_status(risk, today):
    return status_for(risk, controls=list(risk.controls.all()),
                      acceptances=list(risk.appetite_acceptances.all()), today=today)


@transaction.atomic
def accept_outside_appetite(*, risk_id, expected_version, user, accepted_by, reason, accepted_on, expires_on):
    """Record a named person's acceptance of a risk outside appetite, until `expires_on`.

    The reason is the acceptance's and its revision's (and the risk's revision, whose
    version moves on so the acceptance shows in the risk's history). ValidationError,
    nothing written, for a risk within appetite (or with none), a closed risk, or dates
    out of order; ConflictError if the risk changed since the form was shown.
    """
    today = timezone.localdate()
    risk = lock_risk(risk_id, expected_version)
    status = _appetite_status(risk, today)
    if not risk.is_open:
        raise ValidationError(f"Risk {risk.ref} is closed: it needs no acceptance.")
    if not status.outside:
        raise ValidationError(
            f"Risk {risk.ref} is not outside appetite, so there is nothing to accept: "
            + ("its category has no appetite set." if status.appetite is None
               else f"its current score {status.current_score} is within the tolerance of {status.appetite.tolerance}."))
    errors = {}
    if accepted_on and accepted_on > today:
        errors["accepted_on"] = f"The acceptance cannot be given in the future: enter today ({today:%Y-%m-%d}) or earlier."
    if expires_on and expires_on < today:
        errors["expires_on"] = f"The acceptance must expire today or later ({today:%Y-%m-%d} or after)."
    elif expires_on and accepted_on and expires_on <= accepted_on:
        errors["expires_on"] = f"The acceptance must expire after the day it is given ({accepted_on:%Y-%m-%d})."
    if errors:
        raise ValidationError(errors)
    acceptance = AppetiteAcceptance(risk=risk, accepted_by=accepted_by.strip(), reason=reason.strip(),
                                    accepted_on=accepted_on, expires_on=expires_on, recorded_by=user)
    save_tracked(acceptance, user=user, reason=reason)
    risk.version += 1
    summary = f"Accepted outside appetite by {acceptance.accepted_by} until {expires_on:%d %B %Y}: {reason.strip()}"
    save_tracked(risk, user=user, reason=summary[:REASON_MAX_LENGTH])
    return acceptance


@transaction.atomic
def withdraw_acceptance(*, risk_id, acceptance_id, expected_version, user, reason):
    """Withdraw an acceptance before it expires: it is deleted with a revision saying who and
    why (its history keeps it), and the risk's version moves on. From then the risk needs
    a plan again if it is still outside appetite."""
    risk = lock_risk(risk_id, expected_version)
    acceptance = AppetiteAcceptance.objects.filter(risk=risk, pk=acceptance_id).first()
    if acceptance is None:
        raise ValidationError("This acceptance was already withdrawn: nothing was changed.")
    check_reason(reason)
    delete_tracked(acceptance, user=user, reason=reason)
    risk.version += 1
    summary = f"Acceptance by {acceptance.accepted_by} withdrawn: {reason.strip()}"
    save_tracked(risk, user=user, reason=summary[:REASON_MAX_LENGTH])
    return acceptance
