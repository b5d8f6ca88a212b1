"""The page types the journeys visit, so every check covers all of them.

Add a page type here when a feature adds one (risk edit, history, conflict,
paper preview, published overview...): the accessibility and layout tests
then cover it."""

from risks.models import Risk

ANONYMOUS_PAGES = ["login", "login-error"]
SIGNED_IN_PAGES = ["home", "register", "risk", "password-change", "password-change-error"]


def adequate_funding():
    return Risk.objects.get(title="Adequate funding")


def open_page(page, name):
    """Go to the page type `name`, leaving it ready to check."""
    if name == "login":
        page.goto("/accounts/login/")
    elif name == "login-error":
        page.goto("/accounts/login/")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("alert").wait_for()
    elif name == "home":
        page.goto("/")
    elif name == "register":
        page.goto("/risks/")
    elif name == "risk":
        page.goto(f"/risks/{adequate_funding().pk}/")
    elif name == "password-change":
        page.goto("/accounts/password/")
    elif name == "password-change-error":
        page.goto("/accounts/password/")
        page.get_by_role("button", name="Change password").click()
        page.get_by_role("alert").wait_for()
    else:
        raise ValueError(f"Unknown page type: {name}")
    return page
