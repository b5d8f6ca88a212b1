"""Render a paper: gather a plain snapshot first, then HTML or PDF from it only.

    data = gather(paper, restricted=False)   # dict of str/int/bool/list/dict only
    html = render_html(data)                 # a complete HTML document (str)
    pdf = render_pdf(data)                   # A4, tagged PDF/UA-1 (bytes)

The snapshot is JSON-serialisable (json.dumps(data) works), so a publication
can store it and re-render it later without touching the live register. The
HTML and the PDF come from one template, templates/reports/paper.html.
"""

from datetime import date
from functools import partial

from django.template.loader import render_to_string

from controls.models import Control
from panel.levers import lever_matrix
from panel.paper_data import deep_dives, panel_actions, partner_alignments
from reports import appetite as paper_appetite
from reports.changes import appetite_basis, compare, has_changes
from reports.markup import parse, parse_lines
from reports.models import Paper
from reports.sections import SECTIONS, SUMMARY_SUBHEADING, appendix_titles
from risks.models import TREND_GLYPHS, Trend

SNAPSHOT_SCHEMA = 1


def long_date(value):
    return f"{value:%A}, {value.day} {value:%B %Y}"


def short_date(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def trend_data(trend):
    return {"trend": str(trend), "trend_label": Trend(trend).label, "glyph": TREND_GLYPHS[Trend(trend)]}


# Narrative ---------------------------------------------------------------

def _runs(tokens, refs):
    runs = []
    for kind, value in tokens:
        if kind == "risk":
            runs.append({"text": f"Risk {refs.get(value, '?')}", "strong": False})
        else:
            runs.append({"text": value, "strong": kind == "strong"})
    return runs


def _paragraphs(parsed, refs):
    return [_runs(tokens, refs) for tokens in parsed]


def _references(paper, source):
    """{risk id: ref as at the source's day} for every cross-reference in the paper (one query)."""
    from reports.markup import referenced_risks

    wanted = set()
    for name in Paper.NARRATIVE_FIELDS:
        wanted |= referenced_risks(getattr(paper, name))
    return {pk: risk.ref for pk, risk in source.risks(wanted).items()}


def _sections(paper, refs, appendices):
    sections = []
    for field, number, heading, kind in SECTIONS:
        section = {
            "key": field, "number": number, "heading": heading, "kind": kind,
            "subheading": SUMMARY_SUBHEADING if field == "summary" else "",
            "intro": [], "paragraphs": [], "items": [], "appendices": [],
        }
        text = getattr(paper, field)
        if kind == "letters":
            section["intro"] = _paragraphs(parse(paper.recommendations_intro), refs)
            section["items"] = [
                {"label": f"{chr(ord('a') + index % 26)}.", "runs": _runs(tokens, refs)}
                for index, tokens in enumerate(parse_lines(text))
            ]
        elif kind == "numbered":
            section["items"] = [
                {"label": f"{number}.{index}", "runs": _runs(tokens, refs)}
                for index, tokens in enumerate(parse(text), start=1)
            ]
        else:
            section["paragraphs"] = _paragraphs(parse(text), refs)
        if kind == "appendices":
            section["appendices"] = appendices
        sections.append(section)
    return sections


# Appendices --------------------------------------------------------------

def _trends_as_at(paper, risks, reviews):
    """{risk id: trend} from each risk's latest review on or before the source's day.

    A risk that was not in the previous paper (not open as at its meeting) is
    "new"; so is a risk with no review yet.
    """
    previous = paper.previous()
    trends = {}
    for risk in risks:
        listed_before = previous is None or risk.is_open_on(previous.meeting_date)
        latest = reviews.get(risk.id)
        trends[risk.id] = latest[0].trend if listed_before and latest else Trend.NEW
    return trends


def _appendix_1(paper, risks, reviews, appetites):
    trends = _trends_as_at(paper, risks, reviews)
    rows = [
        {
            "id": risk.id, "ref": risk.ref, "title": risk.title, "description": risk.description,
            "owners": risk.owner_names, **trend_data(trends[risk.id]),
        }
        for risk in risks
    ]
    if paper.appetite_column:  # issue 17; without the score, which only the restricted pack prints
        for row in rows:
            row["appetite"] = paper_appetite.without_score(appetites[row["id"]])
    return rows


def _control(control, org):
    return {
        "id": control.id, "text": control.text, "kind": control.kind, "kind_label": Control.Kind(control.kind).label,
        "status": Control.Status(control.status).label, "owner": control.owner,
        "lever": org.lever_label(control.lever) if control.lever else "",
        "due_date": control.due_date.isoformat() if control.due_date else "",
        "due_date_display": short_date(control.due_date),
    }


def _appendix_2(paper, source, risks):
    """The chosen risks open as at the source's day (one closed since still shows)."""
    listed = {risk.id: risk for risk in risks}
    chosen = [risk_id for risk_id in paper.choices.order_by("position", "pk").values_list("risk_id", flat=True)
              if risk_id in listed]
    controls = source.controls(chosen)
    positions = []
    for risk_id in chosen:
        risk = listed[risk_id]
        live = [c for c in controls.get(risk_id, []) if c.status != Control.Status.RETIRED]
        positions.append({
            "risk_id": risk.id, "ref": risk.ref, "heading": risk.heading, "statement": risk.statement,
            "actions": [c.text for c in live if c.kind == Control.Kind.ACTION],
            "potential": [c.text for c in live if c.kind == Control.Kind.POTENTIAL],
            # Ids let a publication's "what changed" tell a reworded control from a new one.
            "controls": [{"id": c.id, "kind": c.kind, "text": c.text} for c in live],
        })
    return positions


def _appendix_4(source, risks, reviews, org, appetites):
    """The register as at the source's day; bands (band_label) from the paper's settings `org`."""
    _score = partial(paper_appetite.score, org)
    controls = source.controls([risk.id for risk in risks])
    partners = partner_alignments([risk.id for risk in risks])
    return [
        {
            "id": risk.id, "ref": risk.ref, "title": risk.title, "description": risk.description, "owners": risk.owner_names,
            "inherent": _score(*risk.inherent), "current": _score(*risk.current), "target": _score(*risk.target),
            "reviews": [
                {
                    "reviewed_on": review.reviewed_on.isoformat(), "reviewed_on_display": short_date(review.reviewed_on),
                    "score": _score(review.likelihood, review.impact), "commentary": review.commentary,
                    **trend_data(review.trend),
                }
                for review in reviews.get(risk.id, [])
            ],
            "controls": [_control(control, org) for control in controls.get(risk.id, [])],
            "partners": partners.get(risk.id, []),  # issue 15; entries stored before it lack the key
            "appetite": appetites[risk.id],  # issue 17; entries stored before it lack the key
        }
        for risk in risks
    ]


# Public API --------------------------------------------------------------

def gather(paper, *, restricted, source=None, draft=True, with_changes=True):
    """The paper as plain data: what the public (or restricted) pack shows, nothing more.

    Every render of the live paper is a draft (marked DRAFT on every page and in its
    file name); only publishing (publications.publishing.take_snapshot) gathers with
    draft=False, so published files never say DRAFT.

    The register comes from `source` (a risks.register_source.RegisterSource;
    by default paper.register_source()); the paper's own text and choices from `paper`;
    the organisation's settings (name, bands, levers, categories, appetites) as at the
    source's day (reports.appetite.settings_for), and what was used of them goes into
    data["settings"], so rendering reads the snapshot only.
    If the author switched on "Changes since the last paper" (paper.include_changes),
    data["changes_since"] holds changes_since_previous (below) (with_changes=False
    leaves it out: the previous paper's own snapshot, gathered to compare with).
    """
    source = source or paper.register_source()
    # The settings as at the register's day: a draft rebuilt as at a date uses that date's.
    organisation = paper_appetite.settings_for(source)
    short_name = organisation.short_name
    refs = _references(paper, source)
    # Appendices 1 and 4: the risks open as at the source's day, not today.
    risks = source.open_risks()
    reviews = source.reviews([risk.id for risk in risks])
    appetites = {risk.id: paper_appetite.appetite_of(organisation, risk) for risk in risks}
    titles = appendix_titles(short_name)
    appendices = [
        {"number": number, "title": listed, "heading": heading, "restricted": is_restricted}
        for number, listed, heading, is_restricted in titles
    ]
    data = {
        "schema": SNAPSHOT_SCHEMA,
        "restricted": restricted,
        "draft": draft,
        "organisation": {"name": organisation.name, "short_name": short_name},
        "frame": {
            "panel": paper.panel, "meeting_date": paper.meeting_date.isoformat(),
            "meeting_date_display": long_date(paper.meeting_date), "title": paper.title,
            "report_by": paper.report_by, "author": paper.author_name or paper.report_by,
        },
        "sections": _sections(paper, refs, appendices),
        "appendices": appendices,
        # Issue 17 (snapshots stored before it lack these keys: both options off, today's bands).
        "options": {"appetite_column": paper.appetite_column, "outside_appetite_section": paper.outside_appetite_section},
        "settings": paper_appetite.settings_data(
            organisation, categories_used={risk.category_id for risk in risks if risk.category_id}),
        "outside_appetite": (paper_appetite.outside_appetite(source, risks, appetites, restricted=restricted)
                             if paper.outside_appetite_section else None),
        "appendix_1": _appendix_1(paper, risks, reviews, appetites),
        "appendix_2": _appendix_2(paper, source, risks),
        "appendix_3": None,
        "appendix_4": None,
        # Added with issue 15; snapshots stored before it lack the key (templates cope).
        "panel_actions": panel_actions(paper, source, restricted=restricted),
        "deep_dives": deep_dives(paper, source),
        # How many of the open risks are aligned with a partner's register (0 prints nothing).
        "aligned_risk_count": len(partner_alignments([risk.id for risk in risks])),
    }
    if restricted:
        data["appendix_3"] = _paragraphs(parse(paper.governance_model), refs)
        data["appendix_4"] = _appendix_4(source, risks, reviews, organisation, appetites)
        # Added with issue 15 (snapshots stored before it lack the key): the levers under the governance model.
        data["lever_coverage"] = lever_matrix(source, risks, organisation)
    data["changes_since"] = None
    if with_changes and paper.include_changes:
        data["changes_since"] = changes_since_previous(paper, restricted=restricted, current=data)
    return data


# What changed since the previous paper, while this one is a draft --------------
# The same comparison as the published page (reports.changes.compare), over two
# snapshots: the previous paper's latest publication (as published), or, if it was
# never published, its gather(); against this paper's gather().

def previous_snapshot(previous, *, restricted):
    """(snapshot, published version or None) of the paper before this one."""
    publication = previous.publications.order_by("-version").first()
    if publication is not None:
        return publication.snapshot("restricted" if restricted else "public"), publication.version
    # Never published: as it would print now (without its own changes section, so no chain of papers).
    return gather(previous, restricted=restricted, with_changes=False), None


def changes_since_previous(paper, *, restricted, current=None):
    """None (no previous paper) or {"previous": {...}, "changes": {...}, "has_changes": bool, "appetite_basis": str}.

    "appetite_basis" (reports.changes.appetite_basis; absent from snapshots stored before
    it): "restricted", "public", "unknown" (the earlier snapshot predates appetite) or "none"
    where appetite status is not compared in this pack."""
    previous = paper.previous()
    if previous is None:
        return None
    before, version = previous_snapshot(previous, restricted=restricted)
    if current is None:
        current = gather(paper, restricted=restricted, with_changes=False)
    found = compare(before, current)
    return {
        "previous": {
            "meeting_date": previous.meeting_date.isoformat(),
            "meeting_date_display": short_date(previous.meeting_date),
            "version": version,
        },
        "changes": found,
        "has_changes": has_changes(found),
        "appetite_basis": appetite_basis(before, current),
    }


def render_html(data, *, screen_links=None):
    """The paper as a complete HTML document; `screen_links` adds a browser-only bar."""
    return render_to_string("reports/paper.html", {"paper": data, "screen_links": screen_links or []})


def render_pdf(data):
    """The paper as an A4, tagged PDF (PDF/UA-1), fetching only the project's static files."""
    from reports.pdf import html_to_pdf

    return html_to_pdf(render_html(data))


