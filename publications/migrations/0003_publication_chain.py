"""Tamper evidence: each publication's metadata as digested and the chain across
all publications (publications.chain). Publications stored before this are
chained here, in order of creation, with the files and formats they have."""

from django.db import migrations, models

from riskregister.chaining import link


def chain_existing(apps, schema_editor):
    from publications.chain import metadata_of

    Publication = apps.get_model("publications", "Publication")
    PublishedFile = apps.get_model("publications", "PublishedFile")
    previous = ""
    for publication in Publication._base_manager.using(schema_editor.connection.alias).order_by("pk"):
        files = list(PublishedFile._base_manager.filter(publication=publication))
        # What was registered when it was published is not known: the formats it has.
        formats = sorted({stored.format for stored in files})
        packs = sorted({stored.pack for stored in files})
        metadata = metadata_of(publication, files, formats=formats, packs=packs, signing_key_id="")
        chain = link(previous, metadata)
        # A queryset update, not save(): the model's own rule refuses changes (the
        # triggers come in the next migration, once this is filled).
        Publication._base_manager.filter(pk=publication.pk).update(
            metadata=metadata, previous_chain_sha256=previous, chain_sha256=chain,
        )
        previous = chain


class Migration(migrations.Migration):

    dependencies = [
        ('publications', '0002_formats_from_registry'),
    ]

    operations = [
        migrations.AddField(
            model_name='publication',
            name='metadata',
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name='publication',
            name='previous_chain_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='chain digest of the publication before'),
        ),
        migrations.AddField(
            model_name='publication',
            name='chain_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='chain digest'),
        ),
        migrations.AddField(
            model_name='publication',
            name='chain_hmac',
            field=models.CharField(blank=True, max_length=64, verbose_name='keyed chain digest'),
        ),
        migrations.AddField(
            model_name='publication',
            name='signing_key_id',
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.AddField(
            model_name='publishedfile',
            name='hmac_sha256',
            field=models.CharField(blank=True, max_length=64, verbose_name='keyed digest'),
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
