from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from reports import rendering, services
from reports.rendering import changes_since_previous
from reports.formats import FORMATS
from reports.forms import Appendix2Form, HousekeepingForm, PaperCreateForm, PaperEditForm
from reports.models import Paper
from riskregister import access
from risks.models import Risk
from riskregister.tracking import ConflictError


def get_paper_for_user(user, pk, *, capability="read_drafts"):
    access.require(user, capability)
    return get_object_or_404(Paper, pk=pk)


def _apply_errors(form, error):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@require_safe
def paper_list(request):
    access.require(request.user, "read_drafts")
    papers = list(Paper.objects.annotate(published_version=Max("publications__version")).order_by("-meeting_date"))
    return render(request, "reports/list.html", {"papers": papers})


@require_http_methods(["GET", "HEAD", "POST"])
def paper_create(request):
    access.require(request.user, "compose_papers")
    previous = Paper.objects.order_by("-meeting_date").first()
    form = PaperCreateForm(request.POST or None, initial={"title": previous.title if previous else "", "copy_previous": True})
    if request.method == "POST" and form.is_valid():
        copy_from = None
        if form.cleaned_data["copy_previous"]:
            copy_from = Paper.objects.filter(meeting_date__lt=form.cleaned_data["meeting_date"]).order_by("-meeting_date").first()
        fields = {name: form.cleaned_data[name] for name in ("panel", "report_by")}
        try:
            paper = services.create_paper(
                user=request.user, reason="Paper created in the browser",
                meeting_date=form.cleaned_data["meeting_date"], title=form.cleaned_data["title"],
                copy_from=copy_from, **fields,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"Paper for {paper.meeting_date:%d %B %Y} created.")
            return redirect("reports:edit", pk=paper.pk)
    return render(request, "reports/create.html", {"form": form, "previous": previous})


@require_http_methods(["GET", "HEAD", "POST"])
def paper_edit(request, pk):
    paper = get_paper_for_user(request.user, pk, capability="compose_papers")
    form = PaperEditForm(request.POST or None, instance=paper)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.update_paper(
                paper_id=paper.pk, expected_version=form.cleaned_data["version"], user=request.user,
                reason=form.cleaned_data["reason"], **form.changes(),
            )
        except ConflictError:
            status = 409
            form.add_error(None, "Someone else saved this paper since you opened it. Your text is below, "
                                 "not saved: copy what you need, then reload the page to see their changes.")
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Paper saved.")
            return redirect("reports:edit", pk=paper.pk)
    # As saved: a refused form has already written its values (an out-of-range cut-off, say) onto `paper`.
    saved = Paper.objects.get(pk=paper.pk)
    risks = saved.register_source().open_risks()  # refs and titles to copy from
    # Compared as the published page compares.
    restricted = access.can(request.user, "view_restricted")
    since = changes_since_previous(saved, restricted=restricted)
    previous = saved.previous()
    carried = set(services.carried_over(saved, previous))
    narrative = [{"field": field, "carried_over": field.name in carried} for field in form.narrative_fields()]
    return render(request, "reports/edit.html", {
        "paper": paper, "form": form, "risks": risks, "since": since, "narrative": narrative, "previous": previous,
        "pack": "restricted" if restricted else "public",
    }, status=status)


HOUSEKEEPING = {
    "delete": {"heading": "Delete this draft", "button": "Delete the draft", "service": services.delete_paper,
               "done": "Paper for {date} deleted."},
    "restart": {"heading": "Start this draft again from the previous paper", "button": "Start again",
                "service": services.restart_paper, "done": "Paper for {date} started again from the previous paper."},
}


def _housekeeping(request, pk, action):
    paper = get_paper_for_user(request.user, pk, capability="compose_papers")
    what = HOUSEKEEPING[action]
    form = HousekeepingForm(request.POST or None, initial={"version": paper.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            what["service"](paper_id=paper.pk, expected_version=form.cleaned_data["version"], user=request.user,
                            reason=form.cleaned_data["reason"])
        except ConflictError:
            status = 409
            form.add_error(None, "Someone else saved this paper since you opened this page: nothing was changed. "
                                 "Check the paper, then try again.")
        except ValidationError as error:
            status = 400
            form.add_error(None, error)
        else:
            messages.success(request, what["done"].format(date=f"{paper.meeting_date:%d %B %Y}"))
            if action == "delete":
                return redirect("reports:list")
            return redirect("reports:edit", pk=paper.pk)
    published = paper.publications.order_by("-version").values_list("version", flat=True).first()
    return render(request, "reports/housekeeping.html", {
        "paper": paper, "form": form, "action": action, "what": what, "published_version": published,
        "previous": paper.previous(),
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def paper_delete(request, pk):
    return _housekeeping(request, pk, "delete")


@require_http_methods(["GET", "HEAD", "POST"])
def paper_restart(request, pk):
    return _housekeeping(request, pk, "restart")


@require_http_methods(["GET", "HEAD", "POST"])
def paper_appendix_2(request, pk):
    paper = get_paper_for_user(request.user, pk, capability="compose_papers")
    chosen = {choice.risk_id: index for index, choice in enumerate(paper.choices.order_by("position", "pk"))}
    risks = list(Risk.objects.open_on(paper.meeting_date) | Risk.objects.filter(pk__in=chosen))
    form = Appendix2Form(request.POST or None, risks=risks, chosen=chosen, day=paper.meeting_date,
                         initial={"version": paper.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.set_appendix_2(
                paper_id=paper.pk, expected_version=form.cleaned_data["version"],
                risks=form.cleaned_data["risks"], user=request.user, reason=form.cleaned_data["reason"],
            )
        except ConflictError:
            status = 409
            form.add_error(None, "Someone else saved this paper since you opened it: nothing was saved. Reload the page and choose again.")
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Appendix 2 saved.")
            return redirect("reports:edit", pk=paper.pk)
    return render(request, "reports/appendix_2.html", {"paper": paper, "form": form}, status=status)


def _screen_links(request, paper, restricted):
    links = [{"url": reverse("reports:list"), "label": "All papers"}]
    if access.can(request.user, "compose_papers"):
        links.append({"url": reverse("reports:edit", args=[paper.pk]), "label": "Edit this paper"})
    pack = "restricted" if restricted else "public"
    downloads = [fmt for fmt in FORMATS.values() if fmt.as_attachment]  # the preview is the HTML already
    for fmt in downloads:
        url = reverse(f"reports:file{'_restricted' if restricted else ''}", args=[paper.pk, fmt.name])
        links.append({"url": url, "label": fmt.link_text(pack)})
    if restricted:
        links.append({"url": reverse("reports:preview", args=[paper.pk]), "label": "Public pack"})
    else:
        if access.can(request.user, "view_restricted"):
            links.append({"url": reverse("reports:preview_restricted", args=[paper.pk]), "label": "Restricted pack"})
    return links


def _preview(request, paper, *, restricted):
    data = rendering.gather(paper, restricted=restricted)
    return HttpResponse(rendering.render_html(data, screen_links=_screen_links(request, paper, restricted)))


@require_safe
def paper_preview(request, pk):
    return _preview(request, get_paper_for_user(request.user, pk), restricted=False)


@require_safe
def paper_preview_restricted(request, pk):
    return _preview(request, get_paper_for_user(request.user, pk, capability="view_restricted"), restricted=True)


@require_safe
def paper_file(request, pk, pack, format):
    """The draft as a file in any registered format, rendered now from the live register."""
    restricted = pack == "restricted"
    paper = get_paper_for_user(request.user, pk, capability="view_restricted" if restricted else "read_drafts")
    fmt = FORMATS.get(format)
    if fmt is None:
        raise Http404("No such format.")
    filename, content_type, content = fmt.export(rendering.gather(paper, restricted=restricted))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(fmt.as_attachment, filename)
    return response
