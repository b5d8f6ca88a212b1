"""The panel's questions and actions (/panel/): list, record, edit, answer, and a panel
member's question on a published paper. Who may see which item is decided in get_item_for_user."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from panel import services
from panel.forms import AnswerForm, DeepDiveForm, ItemForm, QuestionForm
from panel.models import PanelItem
from panel.queries import deep_dives, item_history, items_for
from publications.models import Publication
from riskregister import access
from riskregister.tracking import ConflictError

CONFLICT = "Someone else changed this since you opened it: check what it says now (below) before saving again."


def get_item_for_user(user, pk):
    """Authors and SMT editors see every item; a panel member only the questions they raised."""
    queryset = PanelItem.objects.select_related("paper", "owner", "raised_by")
    if access.can(user, "view_panel_items"):
        return get_object_or_404(queryset, pk=pk)
    if access.can(user, "raise_questions"):
        return get_object_or_404(queryset, pk=pk, raised_by=user)
    raise PermissionDenied


def add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


@require_safe
def item_list(request):
    if not (access.can(request.user, "view_panel_items") or access.can(request.user, "raise_questions")):
        raise PermissionDenied
    return render(request, "panel/list.html", {
        "meetings": items_for(request.user),
        "deep_dives": deep_dives() if access.can(request.user, "view_panel_items") else [],
        "can_record": access.can(request.user, "record_panel_items"),
        "own_only": not access.can(request.user, "view_panel_items"),
    })


def risks_as_published(item, risks):
    """The item's risks as the paper it was raised on printed them (its public Appendix 1), for
    those who may not read the live register: never a title changed since, or a risk not printed."""
    if item.publication_id is None:
        return []
    printed = {row["id"]: row for row in item.publication.public_snapshot.get("appendix_1", []) if "id" in row}
    return [{"pk": risk.pk, "ref": printed[risk.pk]["ref"], "title": printed[risk.pk]["title"]}
            for risk in risks if risk.pk in printed]


@require_safe
def item_detail(request, pk):
    item = get_item_for_user(request.user, pk)
    risks = list(item.risks.all())
    if not access.can(request.user, "view_register"):
        risks = risks_as_published(item, risks)
    return render(request, "panel/detail.html", {
        "item": item, "risks": risks,
        "history": item_history(item) if access.can(request.user, "view_panel_items") else [],
        "can_record": access.can(request.user, "record_panel_items"),
        "can_answer": access.can(request.user, "answer_panel_items"),
        # A restricted item's answer is printed in the restricted pack only: not for the panel.
        "answer_withheld": item.restricted and not access.can(request.user, "view_restricted"),
    })


def item_fields(form):
    return {name: value for name, value in form.cleaned_data.items() if name not in ("reason", "version", "risks")}


@require_http_methods(["GET", "HEAD", "POST"])
def item_create(request):
    access.require(request.user, "record_panel_items")
    form = ItemForm(request.POST or None, initial={"paper": request.GET.get("paper")})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.record_item(user=request.user, reason=form.cleaned_data["reason"],
                                        risks=form.cleaned_data["risks"], **item_fields(form))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The question or action was recorded.")
            return redirect("panel:detail", pk=item.pk)
    return render(request, "panel/form.html", {"form": form, "item": None})


@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(request, pk):
    access.require(request.user, "record_panel_items")
    item = get_item_for_user(request.user, pk)
    initial = {name: getattr(item, name) for name in services.EDITABLE}
    initial.update(paper=item.paper_id, owner=item.owner_id, risks=list(item.risks.all()), version=item.version)
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(item_id=item.pk, expected_version=form.cleaned_data["version"],
                                 user=request.user, reason=form.cleaned_data["reason"],
                                 risks=form.cleaned_data["risks"], **item_fields(form))
        except ConflictError as conflict:
            form, item = on_current_version(ItemForm, request.POST, conflict.current), conflict.current
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Your changes were saved.")
            return redirect("panel:detail", pk=item.pk)
    return render(request, "panel/form.html", {"form": form, "item": item})


def on_current_version(form_class, data, current):
    """The user's form again, their values kept, on the current version, saying someone saved meanwhile."""
    form = form_class(data.copy())
    form.data["version"] = current.version
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form


@require_http_methods(["GET", "HEAD", "POST"])
def item_answer(request, pk):
    access.require(request.user, "answer_panel_items")
    item = get_item_for_user(request.user, pk)
    form = AnswerForm(request.POST or None, initial={"answer": item.answer, "version": item.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_item(item_id=item.pk, expected_version=form.cleaned_data["version"],
                                 answer=form.cleaned_data["answer"], close=form.cleaned_data["close"],
                                 user=request.user, reason=form.cleaned_data["reason"])
        except ConflictError as conflict:
            form, item = on_current_version(AnswerForm, request.POST, conflict.current), conflict.current
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The answer was saved.")
            return redirect("panel:detail", pk=item.pk)
    return render(request, "panel/answer.html", {"form": form, "item": item})


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request, paper, version):
    """A panel member's question on a published paper: on its current version only."""
    access.require(request.user, "raise_questions")
    publication = get_object_or_404(Publication.objects.with_frame(), paper_id=paper, version=version)
    current = services.current_publication(paper)
    if current is None:
        raise Http404
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.raise_question(publication=publication, text=form.cleaned_data["text"],
                                           user=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Your question was sent to the report author and the risk owners concerned.")
            return redirect("panel:detail", pk=item.pk)
    return render(request, "panel/ask.html", {
        "form": form, "publication": publication, "frame": publication.frame,
        "current": current, "superseded": current.pk != publication.pk,
    })


@require_http_methods(["GET", "HEAD", "POST"])
def deep_dive_create(request):
    access.require(request.user, "record_panel_items")
    form = DeepDiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_deep_dive(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "The deep dive was scheduled.")
            return redirect("panel:list")
    return render(request, "panel/deep_dive_form.html", {"form": form})
