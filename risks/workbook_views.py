"""The register workbook on the web: download it (or a blank template), upload it, preview, confirm.

The uploaded file is kept in the session (database-backed, so any of several
servers can answer the confirmation) from the preview until it is confirmed,
with its SHA-256 digest; the confirmation also carries the digest of the plan
the user saw, so a register that changed in between is previewed again, never
written blind.
"""

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_safe

from riskregister import access
from riskregister.forms import SpecificMessagesMixin
from riskregister.tracking import REASON_MAX_LENGTH, ConflictError
from risks.workbook import blank_template, export_workbook
from risks.workbook_import import apply_plan, plan_import
from risks.workbook_reading import MAX_UPLOAD_BYTES

SESSION_KEY = "register_import"
UPLOAD_TYPES = (".xlsx", ".csv")


def _download(export):
    filename, content_type, content = export
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_safe
def download_workbook(request):
    access.require(request.user, "edit_register")
    return _download(export_workbook())


@require_safe
def download_template(request):
    access.require(request.user, "edit_register")
    return _download(blank_template())


class UploadForm(SpecificMessagesMixin, forms.Form):
    file = forms.FileField(
        label="Register workbook", help_text="An .xlsx file in the layout of the register workbook, or a CSV of its "
        "Risks sheet. At most 5 MB.",
        error_messages={"required": "Choose the workbook to import.", "empty": "The chosen file is empty."},
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        if too_large:
            # The request's size alone refuses it: the form is given no file.
            self.fields["file"].error_messages["required"] = (
                "The file is larger than 5 MB: the largest file that can be imported is 5 MB.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_TYPES):
            raise ValidationError("The file must be an Excel workbook (.xlsx) or a CSV file (.csv).")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"The file is {upload.size / 1024 / 1024:.1f} MB: the largest file that can be imported is 5 MB.")
        return upload


class ConfirmForm(SpecificMessagesMixin, forms.Form):
    reason = forms.CharField(
        label="Reason for the import", max_length=REASON_MAX_LENGTH,
        help_text="Kept with every revision the import writes, with your name.",
    )
    plan = forms.CharField(widget=forms.HiddenInput)  # the digest of the plan previewed
    upload = forms.CharField(widget=forms.HiddenInput)  # the digest of the file previewed


def declared_length(request):
    """The request's Content-Length; 0 for a malformed one, as Django itself reads it."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request):
    access.require(request.user, "edit_register")
    too_large = declared_length(request) > MAX_UPLOAD_BYTES + 64 * 1024
    form = UploadForm()
    if request.method == "POST":
        if too_large:
            # Refused on the request's declared size, before the file is read or opened.
            form = UploadForm({}, {}, too_large=True)
            form.is_valid()
        else:
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                chosen = form.cleaned_data["file"]
                content = chosen.read()
                request.session[SESSION_KEY] = {
                    "name": chosen.name, "content": base64.b64encode(content).decode("ascii"),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
                return redirect("risks:import_preview")
    return render(request, "risks/import_upload.html", {"form": form}, status=400 if form.errors else 200)


def _stored_upload(request):
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return None
    content = base64.b64decode(stored["content"])
    if hashlib.sha256(content).hexdigest() != stored["sha256"]:
        return None
    return stored["name"], content, stored["sha256"]


@require_http_methods(["GET", "HEAD", "POST"])
def preview(request):
    access.require(request.user, "edit_register")
    stored = _stored_upload(request)
    if stored is None:
        messages.info(request, "Choose a workbook to import first.")
        return redirect("risks:import")
    name, content, file_digest = stored
    plan = plan_import(name, content)
    form = ConfirmForm(initial={"plan": plan.digest(), "upload": file_digest})
    status, stale = 200, False
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            if form.cleaned_data["upload"] != file_digest or form.cleaned_data["plan"] != plan.digest():
                stale = True
            elif not plan.has_errors:
                try:
                    apply_plan(plan, user=request.user, reason=form.cleaned_data["reason"])
                except ConflictError:
                    stale = True
                except ValidationError as error:
                    form.add_error(None, error.messages)
                else:
                    del request.session[SESSION_KEY]
                    messages.success(request, f"Imported: {plan.summary()}.")
                    return redirect("risks:register")
            if stale:
                plan = plan_import(name, content)
                form = ConfirmForm(initial={"plan": plan.digest(), "upload": file_digest,
                                            "reason": form.cleaned_data["reason"]})
                status = 409
        else:
            status = 400
    return render(request, "risks/import_preview.html", {
        "form": form, "plan": plan, "name": name, "stale": stale,
        "rows": [row for row in plan.rows if row.status != "unchanged"],
        "unchanged": plan.count("unchanged"),
    }, status=status)
