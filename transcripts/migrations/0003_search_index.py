"""Full-text search over transcripts: FTS5 (trigram tokenizer) on SQLite, pg_trgm on PostgreSQL.

The index lives outside the model state (vendor-specific SQL); `transcripts.search` queries it.
"""
from django.db import migrations

from transcripts.search import schema


def forwards(apps, schema_editor):
    for statement in schema.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in schema.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("transcripts", "0002_recover_schedule")]
    operations = [migrations.RunPython(forwards, backwards)]
