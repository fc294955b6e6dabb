"""Backfill the stage and merchant-count history from what the records already say.

Known: when a prospect was created, its stage now, the day a client was won
(became_client_on) and when the record last changed. So: a prospect enters at
its creation date; a client (or a lost client, which once was one) became a
client on became_client_on; a lost or declined prospect closed on its last
update. A territory's merchant count is known only as it is now, from its
creation date on.
"""

from django.db import migrations

CLIENT = "client"
CLOSED = {"lost", "declined"}


def backfill(apps, schema_editor):
    Prospect = apps.get_model("prospects", "Prospect")
    Change = apps.get_model("prospects", "ProspectStageChange")
    Territory = apps.get_model("prospects", "Territory")
    MerchantCountChange = apps.get_model("prospects", "MerchantCountChange")
    changes = []
    for pk, stage, created_at, updated_at, became_client_on in Prospect.objects.values_list(
        "pk", "stage", "created_at", "updated_at", "became_client_on"
    ).iterator():
        created_on = created_at.date()
        if stage == CLIENT or (stage in CLOSED and became_client_on):
            won_on = became_client_on or created_on
            changes.append(
                Change(prospect_id=pk, from_stage="", to_stage=CLIENT, changed_on=won_on)
            )
            if stage in CLOSED:
                changes.append(
                    Change(
                        prospect_id=pk,
                        from_stage=CLIENT,
                        to_stage=stage,
                        changed_on=max(updated_at.date(), won_on),
                    )
                )
        else:
            changes.append(
                Change(prospect_id=pk, from_stage="", to_stage=stage, changed_on=created_on)
            )
    Change.objects.bulk_create(changes, batch_size=1000)
    MerchantCountChange.objects.bulk_create(
        [
            MerchantCountChange(
                territory_id=pk, merchant_count=count, changed_on=created_at.date()
            )
            for pk, count, created_at in Territory.objects.values_list(
                "pk", "merchant_count", "created_at"
            )
        ],
        batch_size=1000,
    )


def forget(apps, schema_editor):
    apps.get_model("prospects", "ProspectStageChange").objects.all().delete()
    apps.get_model("prospects", "MerchantCountChange").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("prospects", "0007_stage_and_merchant_history")]

    operations = [migrations.RunPython(backfill, forget)]
