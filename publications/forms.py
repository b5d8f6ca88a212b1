from django import forms

from riskregister.forms import SpecificMessagesMixin

OUT_OF_DATE = "This page is out of date: open the publish page again."


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
    # What the author confirmed: the paper as it was when this page was built, and
    # the version publishing it makes. Either moved: nothing is published.
    paper_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput,
                                       error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE})
    expected_version = forms.IntegerField(min_value=1, widget=forms.HiddenInput,
                                          error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE})

    def _post_clean(self):
        # The hidden fields cannot be corrected by the author: one message, not a link to a hidden input.
        super()._post_clean()
        hidden = [name for name in ("paper_version", "expected_version") if name in self._errors]
        for name in hidden:
            del self._errors[name]
        if hidden:
            self.add_error(None, OUT_OF_DATE)
