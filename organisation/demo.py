"""The demo's appetite statements: illustrative, as the September 2017 paper sets no
appetite. Chosen so some of its risks fall outside appetite (1, 3, 7 and 12). The
financial category is left without one, for a risk manager to set.

Approved at the December 2017 meeting, after the demo's rounds opened (September's, and
the December one tests open on 1 November 2017): they are not held to it
(risks.appetite.applies_to_round); a round opened from then on is."""

from datetime import date

from organisation.models import AppetiteLevel, CategoryAppetite, RiskCategory
from organisation.services import set_appetite

REASON = "Illustrative appetite for the demo (the September 2017 paper states none)"
APPROVED_BY = "Audit Panel"
APPROVED_ON = date(2017, 12, 12)

# category key -> (appetite level key, tolerance, statement)
DEMO_APPETITES = {
    "operations": ("cautious", 12, "We accept some risk to services where controls are strong and recovery is quick."),
    "governance": ("minimal", 9, "We accept little risk to the way decisions are made and scrutinised."),
    "legal": ("averse", 6, "We avoid risk of failing our statutory duties."),
    "people": ("cautious", 12, "We accept some risk to capacity while we build the skills we need."),
    "project_programme": ("open", 15, "We accept risk in change programmes that promise clear benefits."),
    "reputational": ("minimal", 6, "We accept little risk to public confidence in the office."),
    "security": ("open", 16, "We plan for events we cannot prevent, and accept the risk that remains."),
}


def load_demo_appetites(*, user):
    if CategoryAppetite.objects.exists():
        return ""
    levels = {level.key: level for level in AppetiteLevel.objects.all()}
    categories = {category.key: category for category in RiskCategory.objects.all()}
    for key, (level, tolerance, statement) in DEMO_APPETITES.items():
        set_appetite(category=categories[key], level=levels[level], statement=statement, tolerance=tolerance,
                     approved_by=APPROVED_BY, approved_on=APPROVED_ON, user=user, reason=REASON)
    return "Set illustrative risk appetites for seven categories (financial left for you to set)."
