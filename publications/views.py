"""Publishing a paper, and reading what was published (/published/).

Published files are served exactly as stored, after their SHA-256 digest is
checked again; a file whose digest no longer matches is not served. The HTML
page shows the stored paper body inside the site's frame: the body is cut from
the stored file (never rendered again from live data). Everything these pages
say about the paper (panel, title, meeting date) comes from the stored snapshot,
never from the draft, which may have been renamed since.

Files are served by one view for every format (reports.formats): a format that
a publication lacks (published before the format existed) gets a page saying so.
"""

import logging
import re
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from panel.forms import QuestionForm
from panel.queries import questions_on_paper
from publications import jobs, open_data, publishing
from publications.forms import PublishForm
from publications.models import Publication, PublishedFile, PublishJob
from reports import changes
from reports.formats import FORMATS, as_attachment
from reports.models import Paper
from reports.version_diff import version_differences
from riskregister import access
from rounds.services import check_gate, outstanding_for_paper

logger = logging.getLogger("publications")

PUBLIC, RESTRICTED = PublishedFile.Pack.PUBLIC, PublishedFile.Pack.RESTRICTED
HTML = "html"
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
    """Without the snapshots, the publication still knows its frame (publication.frame)."""
    queryset = Publication.objects if snapshots else Publication.objects.with_frame()
    return get_object_or_404(queryset.select_related("published_by"), paper_id=paper, version=version)


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
    return render(request, "publications/integrity_error.html", {"label": label}, status=500)


def ordered_files(files):
    """Public pack first, then the registry's order (formats since retired last)."""
    rank = {name: index for index, name in enumerate(FORMATS)}
    return sorted(files, key=lambda stored: (stored.pack != PUBLIC, rank.get(stored.format, len(rank)), stored.format))


def file_links(publication, pack, files):
    """The links to a pack's stored files, with the registry's wording for each format."""
    links = []
    for stored in files:
        known = FORMATS.get(stored.format)
        text = known.link_text(pack) if known else f"Download the {stored.format} file"
        links.append({"url": file_url(publication, pack, stored.format), "text": text, "format": stored.format,
                      "on_overview": bool(known and known.on_overview)})
    return links


def file_url(publication, pack, fmt):
    name = "published:file_restricted" if pack == RESTRICTED else "published:file"
    return reverse(name, kwargs={"paper": publication.paper_id, "version": publication.version, "format": fmt})


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
    publications = list(Publication.objects.with_frame().order_by("-paper__meeting_date", "paper_id", "-version"))
    visible = [PUBLIC, RESTRICTED] if restricted else [PUBLIC]
    files = {}
    for stored in ordered_files(
        PublishedFile.objects.filter(publication__in=publications, pack__in=visible).only(*FILE_FIELDS)
    ):
        files.setdefault(stored.publication_id, []).append(stored)
    meetings = []
    for _, group in groupby(publications, key=lambda publication: publication.paper_id):
        versions = []
        for publication in group:
            stored = files.get(publication.pk, [])
            links = {pack: [link for link in file_links(publication, pack, [f for f in stored if f.pack == pack])
                            if link["on_overview"]] for pack in visible}
            versions.append({"publication": publication, "files": stored, "links": links})
        meetings.append({"current": versions[0], "superseded": versions[1:]})
    return render(request, "publications/overview.html", {"meetings": meetings, "restricted": restricted})


def _page(request, publication, pack):
    denied = check_reader(request, pack)
    if denied:
        return denied
    files = ordered_files(publication.files.filter(pack=pack).only(*FILE_FIELDS))
    html = publication.files.filter(pack=pack, format=HTML).first()
    if html is None:
        raise Http404("This publication has no such pack.")
    if not html.verify():
        return integrity_failure(request, html)
    # The stored document's <main> is the paper itself. It was rendered by our
    # autoescaping templates and its digest has just been checked, so it is
    # embedded as it is: this is the published HTML, not a new rendering.
    body = stored_body(bytes(html.content).decode("utf-8"))
    versions = list(
        Publication.objects.filter(paper_id=publication.paper_id).order_by("-version")
        .only("id", "paper_id", "version", "published_at", "reason")
    )
    what_changed = previous = None
    appetite_basis = None
    if publication.compared_with_id:
        previous = Publication.objects.get(pk=publication.compared_with_id)
        for compared in (publication, previous):
            if not compared.verify_snapshots():
                return integrity_failure(request, publication=compared)
        what_changed = changes.compare(previous.snapshot(pack), publication.snapshot(pack))
        appetite_basis = changes.appetite_basis(previous.snapshot(pack), publication.snapshot(pack))
    # A correction: what differs from the version before it (stored snapshots only).
    earlier = next((v for v in versions if v.version == publication.version - 1), None)
    differences = None
    if earlier is not None:
        earlier = Publication.objects.get(pk=earlier.pk)
        if not earlier.verify_snapshots():
            return integrity_failure(request, publication=earlier)
        differences = version_differences(earlier.snapshot(pack), publication.snapshot(pack))
    return render(request, "publications/page.html", {
        "earlier": earlier, "differences": differences,
        "publication": publication, "frame": publication.frame, "pack": pack, "files": files,
        "links": file_links(publication, pack, files), "body": mark_safe(body),
        "versions": versions, "current": versions[0], "superseded": versions[0].pk != publication.pk,
        "previous": previous, "changes": what_changed,
        "has_changes": what_changed is not None and changes.has_changes(what_changed),
        "appetite_basis": appetite_basis,
        "can_restricted": request.user.is_authenticated and access.can(request.user, "view_restricted"),
        **panel_questions(request.user, publication, pack, superseded=versions[0].pk != publication.pk),
    })


def panel_questions(user, publication, pack, *, superseded):
    """A panel member's own questions on this paper, and the form to raise one on the current public pack."""
    if not (user.is_authenticated and access.can(user, "raise_questions")):
        return {"can_ask": False, "my_questions": []}
    return {"can_ask": pack == PUBLIC and not superseded, "form": QuestionForm(),
            "my_questions": questions_on_paper(user, publication.paper_id)}


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


@login_not_required
@require_safe
def published_file(request, paper, version, pack, format):
    """One pack of one version in one format, exactly as stored (every format, one view).
    Old URLs (public.pdf, restricted.html...) are this view's URLs too."""
    denied = check_reader(request, pack)
    if denied:
        return denied
    publication = get_publication(paper, version, snapshots=False)
    stored = publication.files.filter(pack=pack, format=format).first()
    if stored is None:
        if format not in FORMATS:
            raise Http404("No such format.")
        return missing_file(request, publication, pack, FORMATS[format])
    if not stored.verify():
        return integrity_failure(request, stored)
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment(stored.format), stored.filename)
    response["X-Content-SHA256"] = stored.sha256
    return response


OPEN_DATA = {"csv": open_data.appendix_1_csv, "json": open_data.snapshot_json}


@login_not_required
@require_safe
def open_data_file(request, paper, version, kind):
    """Appendix 1 as CSV or the public snapshot as JSON, from the stored snapshot (checked first):
    whoever may read the public pack may take its data."""
    denied = check_reader(request, PUBLIC)
    if denied:
        return denied
    publication = get_publication(paper, version)
    if not publication.verify_snapshots():
        return integrity_failure(request, publication=publication)
    filename, content_type, content = OPEN_DATA[kind](publication)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def missing_file(request, publication, pack, fmt):
    """A format this version was not published in (it came later): said so, not a bare 404."""
    files = ordered_files(publication.files.filter(pack=pack).only(*FILE_FIELDS))
    return render(request, "publications/missing_file.html", {
        "publication": publication, "frame": publication.frame, "pack": pack, "format": fmt,
        "links": file_links(publication, pack, files),
    })


# Publishing --------------------------------------------------------------

def _publish_form(paper, last, data=None, reason=""):
    next_version = (last.version + 1) if last else 1
    return PublishForm(data, initial={"paper_version": paper.version, "expected_version": next_version,
                                      "reason": reason})


@require_http_methods(["GET", "HEAD", "POST"])
def publish(request, pk):
    """Confirmation page (GET) and publishing (POST) of a paper's next version.

    The form carries the paper version the page was built from and the publication
    version it will create: an edit made since, or a repeated submission, publishes nothing.
    """
    access.require(request.user, "publish_papers")
    paper = get_object_or_404(Paper, pk=pk)
    last = publishing.latest_publication(paper)
    form = _publish_form(paper, last, request.POST or None)
    errors = publishing.validation_errors(paper)
    status, conflict_message = 200, None
    if request.method == "POST" and form.is_valid() and not errors:
        data = form.cleaned_data
        existing = PublishJob.objects.filter(paper=paper, expected_version=data["expected_version"]).first()
        if existing is not None:  # a repeat (a double click): the job the first one queued
            return redirect("reports:publish_job", pk=paper.pk, job=existing.pk)
        try:
            publishing.check_request(paper, paper_version=data["paper_version"], version=data["expected_version"],
                                     reason=data["reason"])
            check_gate(paper, data["accept_outstanding"])
        except publishing.PublishConflict as conflict:
            if conflict.published_version is not None:
                messages.info(request, conflict.message)
                return redirect("published:version", paper=paper.pk, version=conflict.published_version)
            # Built again from the paper as it is now: the author looks, then publishes again.
            paper.refresh_from_db()
            last = publishing.latest_publication(paper)
            form = _publish_form(paper, last, reason=data["reason"])
            errors = publishing.validation_errors(paper)
            conflict_message = conflict.message
            status = 409
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            job = jobs.request_publish(
                paper=paper, user=request.user, reason=data["reason"], accept_outstanding=data["accept_outstanding"],
                expected_paper_version=data["paper_version"], expected_version=data["expected_version"],
            )
            return redirect("reports:publish_job", pk=paper.pk, job=job.pk)
    if request.method == "POST" and errors and status == 200:
        form.add_error(None, "The paper cannot be published until the problems below are put right.")
    return render(request, "publications/confirm.html", {
        "paper": paper, "form": form, "errors": errors, "last": last, "conflict": conflict_message,
        "next_version": (last.version + 1) if last else 1, "outstanding": outstanding_for_paper(paper),
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def publish_job(request, pk, job):
    """The progress of a publish job: each pack and format as it is rendered, then stored.

    The page refreshes itself through a static script reading `?format=json`
    (no inline script: the CSP stays strict); without scripts, a link reloads it.
    POST runs a job again whose worker stopped or that failed on the way.
    """
    access.require(request.user, "publish_papers")
    publish_job = get_object_or_404(PublishJob.objects.select_related("paper", "publication"), pk=job, paper_id=pk)
    if request.method == "POST":
        if jobs.retry(publish_job):
            messages.info(request, "Publishing was started again.")
        return redirect("reports:publish_job", pk=pk, job=job)
    progress = jobs.progress(publish_job)
    if request.GET.get("format") == "json":
        if progress["version"]:
            progress["url"] = reverse("published:version", args=[pk, progress["version"]])
        return JsonResponse(progress)
    return render(request, "publications/job.html", {"job": publish_job, "paper": publish_job.paper, "progress": progress})
