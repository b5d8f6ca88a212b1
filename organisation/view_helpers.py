"""What the settings pages' views share."""

CONFLICT = "Someone else changed this since you opened it: check what it says now before saving again."
GET_AND_POST = ["GET", "HEAD", "POST"]


def add_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def on_current_version(form, version):
    """The user's form again, their values kept, on the current version, saying someone saved meanwhile."""
    form = type(form)(form.data.copy(), **getattr(form, "extra_kwargs", {}))
    form.data["version"] = version
    form.is_valid()
    form.add_error(None, CONFLICT)
    return form
