"""Publishing a paper, in three steps, so no lock is held while rendering:

1. take_snapshot(): a short transaction locks the paper, checks the paper version
   the author confirmed and the publication version the form expects to create,
   validates the paper, and gathers both packs (reports.rendering.gather).
2. render_files(): every format in the registry (reports.formats) for each pack,
   from the snapshot only, outside any transaction. (A background worker can run
   this step: a Snapshot is plain data, Snapshot(**asdict(snapshot)) rebuilds it.)
3. store(): a short transaction locks the paper again and checks that neither the
   paper nor its publications moved since step 1; then stores the publication and
   its files, all or nothing.

A change in between stops the publish with PublishConflict: nothing is stored, and
nothing is published that the author did not see.

    publication = publish_paper(paper_id=..., user=..., reason="")   # the three steps

A second publication of the same paper is a correction: it needs a reason.
Earlier versions stay as they were; the latest version of a paper is its
current one, the others are "superseded" (worked out, never stored, because
nothing published is ever updated).
"""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from publications import chain
from publications.models import Publication, PublishedFile, sha256, snapshots_digest
from reports import rendering
from reports.formats import FORMATS
from reports.models import Paper
from risks.models import Risk

REASON_REQUIRED = "This paper was published before: give the reason for publishing a correction."
PAPER_CHANGED = (
    "The paper was changed after you opened this page (it is now at version {now}, you confirmed version {seen}): "
    "nothing was published. Check the paper, then publish again."
)
ALREADY_PUBLISHED = "Version {version} of this paper has already been published: nothing more was published."
OUT_OF_DATE = "This page is out of date: nothing was published. Open the publish page again."
COMPARISON_CHANGED = (
    "An earlier meeting's paper was published meanwhile, so what this version is compared with changed: "
    "nothing was published. Publish again."
)
PACKS = (PublishedFile.Pack.PUBLIC, PublishedFile.Pack.RESTRICTED)


class PublishConflict(Exception):
    """The paper or its publications moved since the author confirmed: nothing was stored.

    `published_version` is set when the version the author meant to create now
    exists (a repeated submission): the caller may show that one.
    """

    def __init__(self, message, *, published_version=None):
        super().__init__(message)
        self.message = message
        self.published_version = published_version


@dataclass(frozen=True)
class Snapshot:
    """What step 1 took: plain, JSON-serialisable data."""

    paper_id: int
    paper_version: int
    version: int  # the publication version this will become
    reason: str
    compared_with_id: int | None
    public: dict
    restricted: dict

    def data(self, pack):
        return self.restricted if pack == PublishedFile.Pack.RESTRICTED else self.public


@dataclass(frozen=True)
class RenderedFile:
    pack: str
    format: str
    filename: str
    content: bytes


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


def _last_version(paper):
    return paper.publications.aggregate(last=Max("version"))["last"] or 0


def _check_unchanged(paper, *, paper_version, version):
    """PublishConflict unless the paper is at `paper_version` and `version` is still the next one."""
    last = _last_version(paper)
    if last >= version:
        raise PublishConflict(ALREADY_PUBLISHED.format(version=version), published_version=version)
    if last != version - 1:  # a version from nowhere (an edited form)
        raise PublishConflict(OUT_OF_DATE)
    if paper.version != paper_version:
        raise PublishConflict(PAPER_CHANGED.format(now=paper.version, seen=paper_version))


def check_request(paper, *, paper_version, version, reason):
    """Before queueing a publish: PublishConflict or ValidationError now, rather than
    from the worker later (which checks again, under lock)."""
    _check_unchanged(paper, paper_version=paper_version, version=version)
    if version > 1 and not (reason or "").strip():
        raise ValidationError({"reason": REASON_REQUIRED})


def _frozen(data):
    # What is stored is what was rendered: round-trip through JSON first, so
    # the templates see exactly the values the snapshot keeps.
    return json.loads(json.dumps(data))


def take_snapshot(*, paper_id, reason="", expected_paper_version=None, expected_version=None):
    """Step 1. Without expectations (the command line), the paper as it is now and its next version."""
    with transaction.atomic():
        paper = Paper.objects.select_for_update().get(pk=paper_id)
        paper_version = paper.version if expected_paper_version is None else expected_paper_version
        version = _last_version(paper) + 1 if expected_version is None else expected_version
        _check_unchanged(paper, paper_version=paper_version, version=version)
        reason = (reason or "").strip()
        errors = validation_errors(paper)
        if errors:
            raise ValidationError(errors)
        if version > 1 and not reason:
            raise ValidationError({"reason": REASON_REQUIRED})
        compared_with = previous_meeting_publication(paper)
        return Snapshot(
            paper_id=paper.pk, paper_version=paper_version, version=version, reason=reason,
            compared_with_id=compared_with.pk if compared_with else None,
            # Published files never say DRAFT.
            public=_frozen(rendering.gather(paper, restricted=False, draft=False)),
            restricted=_frozen(rendering.gather(paper, restricted=True, draft=False)),
        )


def stored_filename(export_filename, version):
    stem, _, extension = export_filename.rpartition(".")
    return f"{stem}-v{version}.{extension}"


def render_files(snapshot, *, on_rendered=None):
    """Step 2: every registered format of each pack, from the snapshot only. Call it
    outside any transaction. `on_rendered(pack, format_name)` reports progress."""
    files = []
    for pack in PACKS:
        for fmt in FORMATS.values():
            filename, _content_type, content = fmt.export(snapshot.data(pack))
            files.append(RenderedFile(pack=str(pack), format=fmt.name,
                                      filename=stored_filename(filename, snapshot.version), content=bytes(content)))
            if on_rendered is not None:
                on_rendered(pack, fmt.name)
    return files


def store(snapshot, files, *, user, on_stored=None):
    """Step 3: the publication and its files, if nothing moved since the snapshot.
    `on_stored(publication)` runs inside the same transaction (what else is kept with it)."""
    try:
        with transaction.atomic():
            paper = Paper.objects.select_for_update().get(pk=snapshot.paper_id)
            _check_unchanged(paper, paper_version=snapshot.paper_version, version=snapshot.version)
            compared_with = previous_meeting_publication(paper)
            if (compared_with.pk if compared_with else None) != snapshot.compared_with_id:
                raise PublishConflict(COMPARISON_CHANGED)
            publication = Publication(
                paper=paper, version=snapshot.version, published_at=timezone.now(), published_by=user,
                reason=snapshot.reason, compared_with=compared_with,
                public_snapshot=snapshot.public, restricted_snapshot=snapshot.restricted,
                snapshots_sha256=snapshots_digest(snapshot.public, snapshot.restricted),
            )
            stored_files = [
                PublishedFile(
                    pack=rendered.pack, format=rendered.format, filename=rendered.filename,
                    content=rendered.content, size=len(rendered.content), sha256=sha256(rendered.content),
                )
                for rendered in files
            ]
            chain.seal(publication, stored_files, formats=list(FORMATS), packs=PACKS)
            publication.full_clean(validate_unique=False)
            publication.save()
            for stored in stored_files:
                stored.publication = publication
                stored.save()
            if on_stored is not None:
                on_stored(publication)
            return publication
    except IntegrityError:
        # Another publish stored this version between our check and our insert.
        if Publication.objects.filter(paper_id=snapshot.paper_id, version=snapshot.version).exists():
            raise PublishConflict(ALREADY_PUBLISHED.format(version=snapshot.version),
                                  published_version=snapshot.version) from None
        raise


def publish_paper(*, paper_id, user, reason="", expected_paper_version=None, expected_version=None,
                  on_rendered=None, on_stored=None):
    """Publish the paper's next version: ValidationError or PublishConflict (nothing stored) if it may not be."""
    snapshot = take_snapshot(paper_id=paper_id, reason=reason, expected_paper_version=expected_paper_version,
                             expected_version=expected_version)
    return store(snapshot, render_files(snapshot, on_rendered=on_rendered), user=user, on_stored=on_stored)


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
