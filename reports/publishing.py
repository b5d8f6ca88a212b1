"""Publishing a paper: validate, snapshot each pack once, render it once as HTML
and PDF, and store the snapshots and the four files with their digests, all in
one transaction (all or nothing).

    publication = publish_paper(paper_id=..., user=..., reason="")

A second publication of the same paper is a correction: it needs a reason.
Earlier versions stay as they were; the latest version of a paper is its
current one, the others are "superseded" (worked out, never stored, because
nothing published is ever updated).
"""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from reports import rendering
from reports.models import Paper, Publication, PublishedFile
from reports.publication_models import sha256, snapshots_digest
from risks.models import Risk

REASON_REQUIRED = "This paper was published before: give the reason for publishing a correction."


def validation_errors(paper):
    """What stops the paper from being published, as messages (empty: it may be published).

    The live data may have moved since the author last saved (a risk referred to
    has since been closed), so the paper's rules are checked again now.
    """
    errors = []
    try:
        paper.full_clean(validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            label = Paper._meta.get_field(field).verbose_name if field in Paper.NARRATIVE_FIELDS else field
            errors += [f"{str(label).capitalize()}: {message}" for message in messages]
    closed = paper.choices.exclude(risk__in=Risk.objects.open_on(paper.meeting_date)).select_related("risk")
    for choice in closed:
        errors.append(
            f"Appendix 2: risk {choice.risk.ref} ({choice.risk.title}) was not open on the meeting date. "
            "Choose the Appendix 2 risks again."
        )
    return errors


def latest_publication(paper):
    return paper.publications.order_by("-version").first()


def previous_meeting_publication(paper):
    """The latest publication of the most recent earlier meeting that was published."""
    return (
        Publication.objects.filter(paper__meeting_date__lt=paper.meeting_date)
        .order_by("-paper__meeting_date", "-version").first()
    )


def _frozen(data):
    # What is stored is what was rendered: round-trip through JSON first, so
    # the templates see exactly the values the snapshot keeps.
    return json.loads(json.dumps(data))


def _files(data, pack, version):
    html = rendering.render_html(data).encode("utf-8")
    pdf = rendering.render_pdf(data)
    for fmt, content in ((PublishedFile.Format.HTML, html), (PublishedFile.Format.PDF, pdf)):
        stem = rendering.filename(data, fmt).rpartition(".")[0]
        yield PublishedFile(
            pack=pack, format=fmt, filename=f"{stem}-v{version}.{fmt}", content=content,
            size=len(content), sha256=sha256(content),
        )


@transaction.atomic
def publish_paper(*, paper_id, user, reason=""):
    """Publish the paper's next version; ValidationError (nothing stored) if it may not be."""
    paper = Paper.objects.select_for_update().get(pk=paper_id)
    reason = (reason or "").strip()
    errors = validation_errors(paper)
    if errors:
        raise ValidationError(errors)
    last = paper.publications.aggregate(last=Max("version"))["last"] or 0
    if last and not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    public = _frozen(rendering.gather(paper, restricted=False))
    restricted = _frozen(rendering.gather(paper, restricted=True))
    publication = Publication(
        paper=paper, version=last + 1, published_at=timezone.now(), published_by=user,
        reason=reason, compared_with=previous_meeting_publication(paper),
        public_snapshot=public, restricted_snapshot=restricted,
        snapshots_sha256=snapshots_digest(public, restricted),
    )
    publication.full_clean(validate_unique=False)
    publication.save()
    for pack, data in ((PublishedFile.Pack.PUBLIC, public), (PublishedFile.Pack.RESTRICTED, restricted)):
        for stored in _files(data, pack, publication.version):
            stored.publication = publication
            stored.save()
    return publication


SYSTEM_USERNAME = "system"


def system_user():
    """The account recorded when publishing from the command line without --user.

    Inactive and without a usable password: nobody can sign in as it.
    """
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "System"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
