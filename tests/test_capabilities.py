"""The reader rule for draft papers is one capability: the views and the navigation agree."""

import pytest
from django.urls import reverse

from riskregister import access

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username,reads_drafts", [("smt", True), ("author", True), ("panel", False), ("admin", True)])
def test_draft_papers_are_listed_and_linked_exactly_for_readers_of_drafts(client_for, users, username, reads_drafts):
    assert access.can(users[username], "read_drafts") is reads_drafts
    client = client_for(username)
    assert client.get(reverse("reports:list")).status_code == (200 if reads_drafts else 403)
    nav = client.get(reverse("home")).text.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert (f'href="{reverse("reports:list")}"' in nav) is reads_drafts


def test_anonymous_visitors_have_no_capability(client):
    from django.contrib.auth.models import AnonymousUser

    assert not any(access.capabilities(AnonymousUser()).values())
    assert not access.can(AnonymousUser(), "read_drafts")
