from django.db import migrations


def install(apps, schema_editor):
    from playbook.search_index import install

    install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from playbook.search_index import uninstall

    uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    """The full-text index: FTS5 on SQLite, a weighted tsvector + GIN on PostgreSQL."""

    dependencies = [("playbook", "0002_topics")]

    operations = [migrations.RunPython(install, uninstall)]
