"""Refill the word columns in the normalised form (full-width → half-width, traditional →
simplified: playbook.segment.normalise), so that queries normalised the same way find
the entries already stored. The triggers bring both full-text indexes along."""

from django.db import migrations


def refill_words(apps, schema_editor):
    from playbook.segment import index_words

    Entry = apps.get_model("playbook", "Entry")
    batch = []
    for entry in Entry.objects.only("pk", "question", "answer").iterator():
        entry.question_words = index_words(entry.question)
        entry.answer_words = index_words(entry.answer)
        batch.append(entry)
        if len(batch) >= 500:
            Entry.objects.bulk_update(batch, ["question_words", "answer_words"])
            batch = []
    Entry.objects.bulk_update(batch, ["question_words", "answer_words"])


class Migration(migrations.Migration):
    dependencies = [("playbook", "0007_assignment_withdrawn")]

    operations = [migrations.RunPython(refill_words, migrations.RunPython.noop)]
