"""The settings the register had in code before they moved here: the organisation's
name (from the ORGANISATION_NAME and ORGANISATION_SHORT_NAME environment variables,
as before), the three score bands, the three levers, the appetite scale and the risk
categories of the GFF Risk Appetite Guidance Note (2021). Each row gets its first
revision, so the settings' history starts with the register."""

import os

from django.db import migrations
from django.utils import timezone

REASON = "The settings the register started with"

BANDS = [
    ("high", "High", 15, 25, "#b3261e", "solid"),
    ("medium", "Medium", 8, 14, "#8a5a00", "dashed"),
    ("low", "Low", 1, 7, "#00703c", "dotted"),
]
LEVERS = [
    ("oversight", "Oversight", "Holding partners to account for what they deliver."),
    ("convening", "Convening partners", "Bringing partners together to act on a shared problem."),
    ("direct_delivery", "Direct delivery", "Services the organisation commissions or runs itself."),
]
SCALE = [
    ("averse", "Averse", "Avoidance of risk and uncertainty is a key organisational objective."),
    ("minimal", "Minimal", "Preference for very safe options that have a low degree of inherent risk."),
    ("cautious", "Cautious", "Preference for safe options that have a low degree of inherent risk."),
    ("open", "Open", "Willing to consider all options and choose the one most likely to succeed."),
    ("eager", "Eager", "Eager to be innovative and to choose options offering potentially higher rewards."),
]
CATEGORIES = [
    ("strategy", "Strategy"), ("governance", "Governance"), ("operations", "Operations"),
    ("legal", "Legal"), ("property", "Property"), ("financial", "Financial"),
    ("commercial", "Commercial"), ("people", "People"), ("technology", "Technology"),
    ("information", "Information"), ("security", "Security"),
    ("project_programme", "Project/programme"), ("reputational", "Reputational"),
]


def record_first_revisions(apps, model_name, rows, moment):
    from riskregister.history_chain import chain

    historical = apps.get_model("organisation", f"Historical{model_name}")
    fields = [f.attname for f in apps.get_model("organisation", model_name)._meta.concrete_fields]
    records = [
        historical(**{name: getattr(row, name) for name in fields}, history_date=moment,
                   history_type="+", history_change_reason=REASON)
        for row in rows
    ]
    chain(historical, records)
    for record in records:
        record.save()


def create(apps, schema_editor):
    moment = timezone.now()
    Organisation = apps.get_model("organisation", "Organisation")
    if not Organisation.objects.exists():
        organisation = Organisation.objects.create(
            pk=1,
            name=os.environ.get("ORGANISATION_NAME", "Mayor's Office for Policing and Crime"),
            short_name=os.environ.get("ORGANISATION_SHORT_NAME", "MOPAC"),
        )
        record_first_revisions(apps, "Organisation", [organisation], moment)
    ScoreBand = apps.get_model("organisation", "ScoreBand")
    if not ScoreBand.objects.exists():
        bands = [ScoreBand.objects.create(key=k, label=l, lowest=lo, highest=hi, colour=c, pattern=p)
                 for k, l, lo, hi, c, p in BANDS]
        record_first_revisions(apps, "ScoreBand", bands, moment)
    for model_name, entries in (("Lever", LEVERS), ("AppetiteLevel", SCALE),
                                ("RiskCategory", [(k, l, "") for k, l in CATEGORIES])):
        model = apps.get_model("organisation", model_name)
        if model.objects.exists():
            continue
        rows = [model.objects.create(key=k, label=l, description=d, position=i)
                for i, (k, l, d) in enumerate(entries, start=1)]
        record_first_revisions(apps, model_name, rows, moment)


def remove(apps, schema_editor):
    for name in ("CategoryAppetite", "Organisation", "ScoreBand", "Lever", "AppetiteLevel", "RiskCategory"):
        apps.get_model("organisation", f"Historical{name}").objects.all().delete()
        apps.get_model("organisation", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
