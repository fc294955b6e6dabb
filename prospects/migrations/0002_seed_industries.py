"""The curated industries with the handbook's signals (§1, industry research)."""

from django.db import migrations

# name, preferred, large cash flow, financing need
INDUSTRIES = [
    ("批发贸易", True, True, False),
    ("酒店住宿", False, True, False),
    ("餐饮", False, True, False),
    ("投资公司", False, False, True),
    ("房地产", False, False, True),
    ("零售", False, False, False),
    ("制造业", False, False, False),
    ("物流运输", False, False, False),
    ("建材五金", False, False, False),
    ("服装纺织", False, False, False),
    ("农副产品", False, False, False),
    ("电子电器", False, False, False),
]


def seed(apps, schema_editor):
    Industry = apps.get_model("prospects", "Industry")
    for name, preferred, cash, financing in INDUSTRIES:
        Industry.objects.get_or_create(
            name=name,
            defaults={"preferred": preferred, "large_cash_flow": cash, "financing_need": financing},
        )


class Migration(migrations.Migration):
    dependencies = [("prospects", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
