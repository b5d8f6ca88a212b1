"""Publications: frozen versions of a paper, which never change afterwards.

A Publication keeps the snapshots (reports.rendering.gather) of the public and
the restricted pack, and one PublishedFile per pack and format the format
registry (reports.formats) listed when it was published: the bytes with their
SHA-256 digest. Old publications keep exactly the files they were stored with. The files live in the database (not in
MEDIA_ROOT) so that a publication is stored in one transaction, all or nothing,
and is backed up with the data it was rendered from.

Nothing here can be changed once saved: save() refuses updates, delete()
refuses deletion (on the instance and on querysets), the admin is read-only, and
database triggers (publications.triggers) refuse UPDATE and DELETE on both tables.
Each publication is chained to the one before it (publications.chain).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.fields.json import KT
from django.utils.functional import cached_property


class ImmutableError(Exception):
    """Something tried to change or delete what was published."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Published records cannot be changed.")

    def delete(self):
        raise ImmutableError("Published records cannot be deleted.")


class PublicationQuerySet(ImmutableQuerySet):
    def with_frame(self):
        """Without the (large) snapshots, but with the frame as published, for listings."""
        return self.defer("public_snapshot", "restricted_snapshot").annotate(
            frame_panel=KT("public_snapshot__frame__panel"),
            frame_title=KT("public_snapshot__frame__title"),
            frame_meeting_date=KT("public_snapshot__frame__meeting_date"),
        )


@dataclass(frozen=True)
class Frame:
    """The paper's panel, title and meeting date as published (not the draft's today)."""

    panel: str
    title: str
    meeting_date: date


class Immutable(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError(f"{self} was published and cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError(f"{self} was published and cannot be deleted.")


def sha256(content):
    return hashlib.sha256(bytes(content)).hexdigest()


def snapshots_digest(public, restricted):
    """SHA-256 of both snapshots in a canonical JSON form (sorted keys), which
    survives the database's own JSON storage (PostgreSQL's jsonb reorders keys)."""
    canonical = json.dumps({"public": public, "restricted": restricted}, sort_keys=True, separators=(",", ":"))
    return sha256(canonical.encode("utf-8"))


class Publication(Immutable):
    objects = PublicationQuerySet.as_manager()

    paper = models.ForeignKey("reports.Paper", on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="publications",
    )
    reason = models.TextField(
        max_length=2000, blank=True,
        help_text="Why this version was published; required for a correction (version 2 on).",
    )
    # The previous meeting's publication this one was compared with, fixed when
    # publishing so "what changed" never moves afterwards.
    compared_with = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    public_snapshot = models.JSONField()
    restricted_snapshot = models.JSONField()
    # "What changed" is computed from the snapshots, so they are checked too.
    snapshots_sha256 = models.CharField("SHA-256 digest of the snapshots", max_length=64)
    # Tamper evidence (publications.chain): the metadata as digested, and the
    # chain across all publications in order of creation.
    metadata = models.JSONField(default=dict)
    previous_chain_sha256 = models.CharField("chain digest of the publication before", max_length=64, blank=True)
    chain_sha256 = models.CharField("chain digest", max_length=64, blank=True)
    # With PUBLICATION_SIGNING_KEY set: HMAC-SHA-256 of chain_sha256, and which key made it.
    chain_hmac = models.CharField("keyed chain digest", max_length=64, blank=True)
    signing_key_id = models.CharField(max_length=8, blank=True)

    class Meta:
        db_table = "reports_publication"  # moved from the reports app, table kept
        ordering = ["-paper__meeting_date", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "version"], name="publication_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="publication_version_positive"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(reason=""), name="publication_correction_has_reason",
                violation_error_message="Give the reason for publishing a correction.",
            ),
        ]

    def __str__(self):
        return f"{self.paper} – version {self.version}"

    @cached_property
    def frame(self):
        if hasattr(self, "frame_title"):  # PublicationQuerySet.with_frame()
            raw = {"panel": self.frame_panel, "title": self.frame_title, "meeting_date": self.frame_meeting_date}
        else:
            raw = self.public_snapshot["frame"]
        return Frame(panel=raw["panel"], title=raw["title"], meeting_date=date.fromisoformat(raw["meeting_date"]))

    def verify_snapshots(self):
        return snapshots_digest(self.public_snapshot, self.restricted_snapshot) == self.snapshots_sha256

    def snapshot(self, pack):
        return self.restricted_snapshot if pack == PublishedFile.Pack.RESTRICTED else self.public_snapshot


class PublishedFile(Immutable):
    class Pack(models.TextChoices):
        PUBLIC = "public", "Public pack"
        RESTRICTED = "restricted", "Restricted pack"

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="files")
    pack = models.CharField(max_length=10, choices=Pack.choices)
    # A name in the format registry (reports.formats) when it was published; not
    # choices, so a new format is one module, not a migration.
    format = models.CharField(max_length=20)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256 digest", max_length=64)
    # With PUBLICATION_SIGNING_KEY set: HMAC-SHA-256 of the content.
    hmac_sha256 = models.CharField("keyed digest", max_length=64, blank=True)

    class Meta:
        db_table = "reports_publishedfile"  # moved from the reports app, table kept
        ordering = ["publication", "pack", "format"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "pack", "format"], name="publishedfile_unique_kind"),
            models.CheckConstraint(condition=Q(pack__in=["public", "restricted"]), name="publishedfile_pack_valid"),
            models.CheckConstraint(condition=~Q(format=""), name="publishedfile_format_named"),
        ]

    def __str__(self):
        return f"{self.filename} (version {self.publication.version})" if self.publication_id else self.filename

    @property
    def content_type(self):
        from reports.formats import content_type_of

        return content_type_of(self.format)

    def verify(self):
        """True if the stored bytes still have the digest taken when they were published."""
        return sha256(self.content) == self.sha256


class PublishJob(models.Model):
    """A request to publish one version of a paper, done by the tasks worker.

    One job per paper and version (a double click finds the job already made).
    The job only tracks progress: the publication itself is stored in one
    transaction at the end (publications.publishing.store), so a worker that dies
    midway leaves nothing published, and the job can be run again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Publishing"
        DONE = "done", "Published"
        FAILED = "failed", "Not published"

    paper = models.ForeignKey("reports.Paper", on_delete=models.CASCADE, related_name="publish_jobs")
    expected_version = models.PositiveIntegerField()
    expected_paper_version = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    accept_outstanding = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # "pack format" of each file rendered so far, in order.
    rendered = models.JSONField(default=list, blank=True)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    # A failure that running the job again may mend (the worker stopped), as
    # opposed to one the author must look at (the paper changed).
    retryable = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    publication = models.OneToOneField(Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="job")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "expected_version"], name="publish_job_one_per_version"),
        ]

    def __str__(self):
        return f"Publishing version {self.expected_version} of {self.paper}"

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
