"""Everything the risk page shows, gathered in a fixed number of queries."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from controls.models import Control
from organisation.current import current
from panel.queries import items_for_risk
from risks.appetite import status_for
from risks.models import AppetiteAcceptance, Review, Risk, RiskDependency, score_summary

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 480, 200, 32


def score_chart(reviews):
    """Points of a small SVG line chart of the current score (1 to 25) at each review, oldest first."""
    if not reviews:
        return None
    plot_w, plot_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    step = plot_w / (len(reviews) - 1) if len(reviews) > 1 else 0
    points = []
    for index, review in enumerate(reviews):
        x = CHART_PAD + (index * step if len(reviews) > 1 else plot_w / 2)
        y = CHART_PAD + plot_h * (25 - review.score) / 24
        points.append({"x": round(x, 1), "y": round(y, 1), "review": review})
    gridlines = [{"score": s, "y": round(CHART_PAD + plot_h * (25 - s) / 24, 1)} for s in (1, 5, 10, 15, 20, 25)]
    return {
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "pad": CHART_PAD, "right": CHART_WIDTH - CHART_PAD,
        "points": points, "gridlines": gridlines,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "first": reviews[0], "last": reviews[-1],
    }


def appetite_section(risk, controls):
    """The risk's appetite status, and the latest acceptance that has lapsed (when none is in force)."""
    today = timezone.localdate()
    acceptances = list(risk.appetite_acceptances.all())
    status = status_for(risk, controls=controls, acceptances=acceptances, today=today)
    lapsed = next((a for a in acceptances if a.expires_on < today), None) if status.acceptance is None else None
    return {"status": status, "lapsed": lapsed, "today": today}


def risk_page_data(pk):
    risk = get_object_or_404(
        Risk.objects.with_owners().select_related("parent").prefetch_related(
            Prefetch("dynamic_risks", queryset=Risk.objects.order_by("ref_number", "ref_suffix")),
            Prefetch("dependencies", queryset=RiskDependency.objects.select_related("depends_on")),
            Prefetch("dependents", queryset=RiskDependency.objects.select_related("risk")),
            Prefetch("controls", queryset=Control.objects.select_related("owner").order_by("position", "pk")),
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer").order_by("reviewed_on", "pk")),
            Prefetch("appetite_acceptances", queryset=AppetiteAcceptance.objects.order_by("-expires_on", "-pk")),
        ),
        pk=pk,
    )
    controls = list(risk.controls.all())
    reviews = list(risk.reviews.all())
    by_kind = [
        {"label": label, "controls": [c for c in controls if c.kind == kind], "caption_id": f"controls-{kind}-caption"}
        for kind, label in Control.Kind.choices
    ]
    by_lever = [
        {"label": label, "count": sum(1 for c in controls if c.lever == lever),
         "controls": [c for c in controls if c.lever == lever]}
        for lever, label in [*((lever.key, lever.label) for lever in current().levers), ("", "No lever recorded")]
    ]
    return {
        "risk": risk,
        "appetite": appetite_section(risk, controls),
        "owners": risk.ordered_owners(),
        "primary_category": current().category(risk.category_id) if risk.category_id else None,
        "other_categories": list(risk.secondary_categories.all()),
        "scores": [
            ("Inherent", score_summary(risk.inherent_likelihood, risk.inherent_impact)),
            ("Current", score_summary(risk.current_likelihood, risk.current_impact)),
            ("Target", score_summary(risk.target_likelihood, risk.target_impact)),
        ],
        "dynamic_risks": list(risk.dynamic_risks.all()),
        "dependencies": list(risk.dependencies.all()),
        "dependents": list(risk.dependents.all()),
        "controls_by_kind": by_kind,
        "controls_by_lever": by_lever,
        "reviews": list(reversed(reviews)),
        "last_review": reviews[-1] if reviews else None,
        "chart": score_chart(reviews),
        "overdue": risk.is_review_overdue(),
        "panel_items": items_for_risk(risk),
        "alignments": list(risk.alignments.select_related("partner_risk__partner")),
    }
