"""Publishing a paper, and reading what was published (/published/).

Published files are served exactly as stored, after their SHA-256 digest is
checked again; a file whose digest no longer matches is not served. The HTML
page shows the stored paper body inside the site's frame: the body is cut from
the stored file (never rendered again from live data).
"""

import logging
import re
from itertools import groupby

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from reports import changes, publishing
from reports.models import Paper, Publication, PublishedFile
from riskregister import access
from riskregister.forms import SpecificMessagesMixin
from rounds.services import outstanding_for_paper, publish_with_gate

logger = logging.getLogger("reports.publications")

PUBLIC, RESTRICTED = PublishedFile.Pack.PUBLIC, PublishedFile.Pack.RESTRICTED
HTML, PDF = PublishedFile.Format.HTML, PublishedFile.Format.PDF
FILE_FIELDS = ("id", "publication_id", "pack", "format", "filename", "size", "sha256")


# Access ------------------------------------------------------------------

def check_reader(request, pack):
    """None if the user may read this pack of published papers, else a redirect to sign in.

    Anonymous visitors may read public packs only where PUBLISHED_PAPERS_PUBLIC is on.
    """
    if not request.user.is_authenticated:
        if pack == PUBLIC and settings.PUBLISHED_PAPERS_PUBLIC:
            return None
        return redirect_to_login(request.get_full_path())
    access.require(request.user, "read_published")
    if pack == RESTRICTED:
        access.require(request.user, "view_restricted")
    return None


def get_publication(paper, version, *, snapshots=True):
    queryset = Publication.objects.select_related("paper", "published_by")
    if not snapshots:
        queryset = queryset.defer("public_snapshot", "restricted_snapshot")
    return get_object_or_404(queryset, paper_id=paper, version=version)


def integrity_failure(request, stored=None, *, publication=None):
    """The page shown instead of a stored file (or snapshot) whose digest no longer matches."""
    if stored is not None:
        logger.error(
            "Published file %s (publication %s, %s %s) failed its SHA-256 check: not served.",
            stored.filename, stored.publication_id, stored.pack, stored.format,
        )
        label = stored.filename
    else:
        logger.error("Snapshots of publication %s failed their SHA-256 check: not served.", publication.pk)
        label = f"the data of version {publication.version} (what changed since the last paper)"
    return render(request, "reports/published/integrity_error.html", {"label": label}, status=500)


def get_verified_file(publication, pack, fmt):
    stored = get_object_or_404(PublishedFile, publication=publication, pack=pack, format=fmt)
    return stored, stored.verify()


# Reading -----------------------------------------------------------------

MAIN = re.compile(r"<main\b[^>]*>(?P<body>.*)</main>", re.DOTALL)


def stored_body(document):
    """What the stored document's <main> holds: the paper, without the document's frame.
    (User text in it is escaped, so "<main" can only be the template's own element.)"""
    match = MAIN.search(document)
    if match is None:
        raise ValueError("The stored HTML has no <main> element.")
    return demote_headings(match["body"])


HEADING_TAG = re.compile(r"<(/?)h([1-5])\b")


def demote_headings(body):
    """One level down, so the site page keeps one <h1> and the paper's outline sits under it.
    (The stored file itself is untouched: its digest still holds.)"""
    return HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{int(tag[2]) + 1}", body)


@login_not_required
@require_safe
def overview(request):
    denied = check_reader(request, PUBLIC)
    if denied:
        return denied
    restricted = request.user.is_authenticated and access.can(request.user, "view_restricted")
    publications = list(
        Publication.objects.select_related("paper").defer("public_snapshot", "restricted_snapshot")
        .order_by("-paper__meeting_date", "-version")
    )
    visible = [PUBLIC, RESTRICTED] if restricted else [PUBLIC]
    files = {}
    for stored in (
        PublishedFile.objects.filter(publication__in=publications, pack__in=visible)
        .only(*FILE_FIELDS).order_by("-pack", "format")  # public first, HTML before PDF
    ):
        files.setdefault(stored.publication_id, []).append(stored)
    meetings = []
    for _, group in groupby(publications, key=lambda publication: publication.paper_id):
        versions = [{"publication": p, "files": files.get(p.pk, [])} for p in group]
        meetings.append({"current": versions[0], "superseded": versions[1:]})
    return render(request, "reports/published/overview.html", {"meetings": meetings, "restricted": restricted})


def _page(request, publication, pack):
    denied = check_reader(request, pack)
    if denied:
        return denied
    pack_files = {stored.format: stored for stored in publication.files.filter(pack=pack).order_by("format")}
    html = pack_files.get(HTML)
    if html is None or PDF not in pack_files:
        raise Http404("This publication has no such pack.")
    if not html.verify():
        return integrity_failure(request, html)
    # The stored document's <main> is the paper itself. It was rendered by our
    # autoescaping templates and its digest has just been checked, so it is
    # embedded as it is: this is the published HTML, not a new rendering.
    body = stored_body(bytes(html.content).decode("utf-8"))
    versions = list(
        publication.paper.publications.order_by("-version").only("id", "paper_id", "version", "published_at", "reason")
    )
    what_changed = previous = None
    if publication.compared_with_id:
        previous = Publication.objects.select_related("paper").get(pk=publication.compared_with_id)
        for compared in (publication, previous):
            if not compared.verify_snapshots():
                return integrity_failure(request, publication=compared)
        what_changed = changes.compare(previous.snapshot(pack), publication.snapshot(pack))
    return render(request, "reports/published/page.html", {
        "publication": publication, "pack": pack, "files": [pack_files[HTML], pack_files[PDF]], "body": mark_safe(body),
        "versions": versions, "current": versions[0], "superseded": versions[0].pk != publication.pk,
        "previous": previous, "changes": what_changed,
        "has_changes": what_changed is not None and changes.has_changes(what_changed),
        "can_restricted": request.user.is_authenticated and access.can(request.user, "view_restricted"),
    })


@login_not_required
@require_safe
def current(request, paper):
    denied = check_reader(request, PUBLIC)
    if denied:
        return denied
    version = Publication.objects.filter(paper_id=paper).order_by("-version").values_list("version", flat=True).first()
    if version is None:
        raise Http404("This paper has not been published.")
    return _page(request, get_publication(paper, version), PUBLIC)


@login_not_required
@require_safe
def version_page(request, paper, version):
    denied = check_reader(request, PUBLIC)
    return denied or _page(request, get_publication(paper, version), PUBLIC)


@require_safe
def version_page_restricted(request, paper, version):
    denied = check_reader(request, RESTRICTED)
    return denied or _page(request, get_publication(paper, version), RESTRICTED)


def _serve(request, paper, version, pack, fmt):
    denied = check_reader(request, pack)
    if denied:
        return denied
    publication = get_publication(paper, version, snapshots=False)
    stored, intact = get_verified_file(publication, pack, fmt)
    if not intact:
        return integrity_failure(request, stored)
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    disposition = "attachment" if fmt == PDF else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{stored.filename}"'
    response["X-Content-SHA256"] = stored.sha256
    return response


@login_not_required
@require_safe
def public_pdf(request, paper, version):
    return _serve(request, paper, version, PUBLIC, PDF)


@login_not_required
@require_safe
def public_html(request, paper, version):
    return _serve(request, paper, version, PUBLIC, HTML)


@require_safe
def restricted_pdf(request, paper, version):
    return _serve(request, paper, version, RESTRICTED, PDF)


@require_safe
def restricted_html(request, paper, version):
    return _serve(request, paper, version, RESTRICTED, HTML)


# Publishing --------------------------------------------------------------

class PublishForm(SpecificMessagesMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for publishing", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for a correction: say what was wrong in the published version.",
    )
    accept_outstanding = forms.CharField(
        label="Reason for publishing with items outstanding", max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when the review round has items outstanding; stored with the publication.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def publish(request, pk):
    """Confirmation page (GET) and publishing (POST) of a paper's next version."""
    access.require(request.user, "publish_papers")
    paper = get_object_or_404(Paper, pk=pk)
    last = publishing.latest_publication(paper)
    form = PublishForm(request.POST or None)
    errors = publishing.validation_errors(paper)
    if request.method == "POST" and form.is_valid() and not errors:
        try:
            publication = publish_with_gate(paper_id=paper.pk, user=request.user, reason=form.cleaned_data["reason"],
                                            accept_outstanding=form.cleaned_data["accept_outstanding"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                errors = error.messages
        else:
            messages.success(request, f"Version {publication.version} of the paper for {paper.meeting_date:%d %B %Y} is published.")
            return redirect("published:version", paper=paper.pk, version=publication.version)
    if request.method == "POST" and errors:
        form.add_error(None, "The paper cannot be published until the problems below are put right.")
    return render(request, "reports/published/confirm.html", {
        "paper": paper, "form": form, "errors": errors, "last": last,
        "next_version": (last.version + 1) if last else 1, "outstanding": outstanding_for_paper(paper),
    })
