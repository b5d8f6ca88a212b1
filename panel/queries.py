"""Reading panel questions and actions into plain lists (templates run no queries)."""

from itertools import groupby

from django.db.models import Q

from panel.models import DeepDive, PanelItem
from riskregister import access


def _items():
    return PanelItem.objects.select_related("paper", "owner", "raised_by").prefetch_related("risks")


def items_for(user):
    """[{"paper": ..., "items": [...]}] newest meeting first: everything, or a panel member's own."""
    items = _items()
    if not access.can(user, "view_panel_items"):
        items = items.filter(raised_by=user)
    return [{"paper": paper, "items": list(group), "caption_id": f"meeting-{paper.pk}-caption"}
            for paper, group in groupby(items, key=lambda item: item.paper)]


def items_for_risk(risk):
    return list(_items().filter(risks=risk))


def open_items_for_dashboard(user):
    """Open items for this user: the author sees every open one; an owner those they answer
    or that concern a risk they own."""
    items = _items().filter(status=PanelItem.Status.OPEN)
    if access.can(user, "record_panel_items"):
        return list(items)
    if not access.can(user, "view_panel_items"):
        return []
    return list(items.filter(Q(owner__user=user) | Q(risks__ownerships__owner__user=user)).distinct())


def questions_on_paper(user, paper_id):
    return list(_items().filter(raised_by=user, paper_id=paper_id))


def item_history(item):
    return list(item.history.select_related("history_user").order_by("-history_date", "-history_id"))


def deep_dives():
    return list(DeepDive.objects.select_related("risk", "paper"))
