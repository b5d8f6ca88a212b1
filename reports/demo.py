"""Loads the September 2017 paper (fixtures/paper_2017_09.json) through the services.

In the fixture, a cross-reference is written [[ref:N]] (the fixture register's
ref N); it is stored as [[risk:<id>]], the form the editor uses.
"""

import json
import re
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from reports import services
from reports.models import Paper
from riskregister.tracking import revisions_dated
from risks.demo import read_fixture, revisions_moment
from risks.models import Risk

PAPER_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "paper_2017_09.json"
REASON = "Loaded from the September 2017 Audit Panel paper"
FIXTURE_REFERENCE = re.compile(r"\[\[ref:([0-9a-z]+)\]\]")


def _link(text, risks):
    return FIXTURE_REFERENCE.sub(lambda match: f"[[risk:{risks[match[1]].pk}]]", text)


def load_demo_papers(*, user, path=PAPER_FIXTURE):
    """Create the fixture papers that are missing, their revisions dated as the
    fixture register's. Returns a message for load_demo."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    with transaction.atomic(), revisions_dated(revisions_moment(read_fixture())):
        return _load_papers(data, user=user)


def _load_papers(data, *, user):
    risks = {risk.ref: risk for risk in Risk.objects.open()}
    if not risks:
        return "The paper needs the register: nothing loaded."
    created = []
    for item in data["papers"]:
        meeting_date = date.fromisoformat(item["meeting_date"])
        if Paper.objects.filter(meeting_date=meeting_date).exists():
            continue
        fields = {
            name: _link(item.get(name, ""), risks)
            for name in services.EDITABLE_FIELDS if name not in ("title", "cutoff_date")
        }
        paper = services.create_paper(
            user=user, reason=REASON, meeting_date=meeting_date, title=item["title"], **fields,
        )
        services.set_appendix_2(
            paper_id=paper.pk, expected_version=paper.version,
            risks=[risks[ref] for ref in item["appendix_2"]], user=user, reason=REASON,
        )
        created.append(f"{meeting_date:%d %B %Y}")
    if created:
        return f"Loaded the paper for the meeting of {', '.join(created)}."
    return "The paper was already loaded."
