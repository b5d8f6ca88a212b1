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


def main_nav(client, url):
    return client.get(url).text.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("username,sees_rounds", [("smt", True), ("author", True), ("panel", False), ("admin", True)])
def test_review_rounds_are_linked_in_the_navigation_exactly_for_readers_of_the_register(
        client_for, users, username, sees_rounds):
    """The same capability as the start page's link and the rounds page itself (view_register)."""
    assert access.can(users[username], "view_register") is sees_rounds
    client = client_for(username)
    nav = main_nav(client, reverse("home"))
    link = f'<a href="{reverse("rounds:list")}">Review rounds</a>'
    assert (link in nav) is sees_rounds
    if sees_rounds:
        assert 'aria-current="page">Review rounds' not in nav
        current = main_nav(client, reverse("rounds:list"))
        assert f'<a href="{reverse("rounds:list")}" aria-current="page">Review rounds</a>' in current
        assert current.count('aria-current="page"') == 1
    else:
        assert "Review rounds" not in nav
        assert client.get(reverse("rounds:list")).status_code == 403


def test_anonymous_visitors_have_no_capability(client):
    from django.contrib.auth.models import AnonymousUser

    assert not any(access.capabilities(AnonymousUser()).values())
    assert not access.can(AnonymousUser(), "read_drafts")


def fresh(user):
    """The user as a new request reads them: no permissions cached yet."""
    return type(user).objects.get(pk=user.pk)


def djangos_own_answers(user):
    return {name: fresh(user).has_perm(perm) for name, perm in access.CAPABILITIES.items()}


@pytest.mark.parametrize("username", ["smt", "author", "panel", "admin"])
def test_capabilities_read_in_one_query_agree_with_djangos_own_permission_checks(
        users, username, django_assert_max_num_queries):
    user = fresh(users[username])
    with django_assert_max_num_queries(1):
        found = access.capabilities(user)
        assert all(access.can(user, name) is found[name] for name in access.CAPABILITIES)
    assert found == djangos_own_answers(users[username])
    assert any(found.values())


def test_a_permission_given_to_the_user_directly_counts_and_an_inactive_user_has_none(users):
    from django.contrib.auth.models import Permission

    panel = users["panel"]
    assert not access.can(fresh(panel), "read_drafts")
    panel.user_permissions.add(Permission.objects.get(codename="view_paper", content_type__app_label="reports"))
    assert access.can(fresh(panel), "read_drafts")
    assert access.capabilities(fresh(panel)) == djangos_own_answers(panel)
    panel.is_active = False
    panel.save(update_fields=["is_active"])
    assert not any(access.capabilities(fresh(panel)).values())
    assert access.capabilities(fresh(panel)) == djangos_own_answers(panel)
