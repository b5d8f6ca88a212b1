"""What a paper says about the previous meeting's questions and actions (its snapshot key
"panel_actions"); risk refs as the paper's register source has them."""

from panel.models import Alignment, DeepDive, PanelItem


def day_month_year(value):
    return f"{value.day} {value:%B %Y}"


def previous_meeting(paper):
    return type(paper).objects.filter(meeting_date__lt=paper.meeting_date).order_by("-meeting_date").first()


def _items(paper_id):
    """The items as they are now. Unlike the register they are not read as at the cut-off:
    they are recorded after the meeting, often after the next paper's cut-off date, and
    the paper must carry their latest status and answer. Publishing freezes them."""
    items = PanelItem.objects.filter(paper_id=paper_id).select_related("owner").prefetch_related("risks")
    return [(item, [risk.pk for risk in item.risks.all()]) for item in items]


def panel_actions(paper, source, *, restricted):
    """None when there was no earlier meeting or nothing to carry; else the meeting and its items
    (restricted items only in the restricted pack)."""
    previous = previous_meeting(paper)
    if previous is None:
        return None
    items = [(item, risk_ids) for item, risk_ids in _items(previous.pk)
             if restricted or not item.restricted]
    if not items:
        return None
    items.sort(key=lambda pair: (pair[0].created_at, pair[0].pk))
    refs = source.risks({pk for _, risk_ids in items for pk in risk_ids})
    return {
        "meeting_date": previous.meeting_date.isoformat(),
        "meeting_date_display": day_month_year(previous.meeting_date),
        "actions": [
            {
                "kind": item.get_kind_display(), "text": item.text,
                "risks": [refs[pk].ref for pk in risk_ids if pk in refs],
                "owner": item.owner.name if item.owner_id else "",
                "due": item.due_label, "status": item.get_status_display(), "answer": item.answer,
                "restricted": item.restricted,
            }
            for item, risk_ids in items
        ],
    }


def deep_dives(paper, source):
    """The risks looked at in depth at this meeting (ids, for the markers in Appendices 1 and 4),
    and those due at later meetings (listed in the paper); None when there are neither."""
    dives = list(DeepDive.objects.filter(paper__meeting_date__gte=paper.meeting_date).select_related("paper", "risk"))
    if not dives:
        return None
    refs = source.risks({dive.risk_id for dive in dives})
    return {
        "at_this_meeting": [dive.risk_id for dive in dives if dive.paper_id == paper.pk],
        "upcoming": [
            {"ref": refs[dive.risk_id].ref if dive.risk_id in refs else dive.risk.ref,
             "title": refs[dive.risk_id].title if dive.risk_id in refs else dive.risk.title,
             "meeting_date_display": day_month_year(dive.paper.meeting_date), "note": dive.note}
            for dive in dives if dive.paper_id != paper.pk
        ],
    }


def partner_alignments(risk_ids):
    """{risk id: [the partner risks it is aligned with]}, as they are now (like the panel's items)."""
    found = {}
    links = Alignment.objects.filter(risk_id__in=list(risk_ids)).select_related("partner_risk__partner")
    for link in links:
        found.setdefault(link.risk_id, []).append({
            "partner": link.partner_risk.partner.name, "ref": link.partner_risk.ref,
            "title": link.partner_risk.title, "rating": link.partner_risk.rating, "note": link.note,
        })
    return found
