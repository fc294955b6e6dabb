"""Seed the everyday synonyms, and refill the word columns with the domain words.

The word columns are refilled because playbook.segment now knows 保证人 and a
few other terms jieba split: the triggers bring both full-text indexes along.
Topics proposed on substrings (保证人 → "promises") are corrected by the next
import, which proposes them on words (an administrator's own choice is kept).
"""

from django.db import migrations

# Each line: the words a trainee uses for one of the handbook's terms.
SYNONYMS = [
    "利率 利息 价格 收费 费率",
    "老板 负责人 法人 法定代表人 实际控制人",
    "流水 银行流水 账户记录 对账单 进账",
    "担保人 保证人",
    "抵押 押品 抵押物",
    "贷款 借款 融资",
    "审批 批准 批",
    "打折 优惠 让利 降价",
    "投诉 抱怨 告状",
    "挖走 抢走 流失",
    "送礼 礼品 红包",
    "吃饭 请客 宴请 饭局",
    "门卫 保安 看门",
    "征信 信用记录 信用报告",
    "报表 财务报表 账本",
    "拜访 上门 登门",
    "回访 跟进",
    "解释 说明",
    "着急 急用 急需",
    "放款 到账",
]


def seed_synonyms(apps, schema_editor):
    Synonym = apps.get_model("playbook", "Synonym")
    for terms in SYNONYMS:
        Synonym.objects.get_or_create(terms=terms)


def remove_synonyms(apps, schema_editor):
    apps.get_model("playbook", "Synonym").objects.filter(terms__in=SYNONYMS).delete()


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
    dependencies = [("playbook", "0004_flags_assignments_synonyms_search_log")]

    operations = [
        migrations.RunPython(seed_synonyms, remove_synonyms),
        migrations.RunPython(refill_words, migrations.RunPython.noop),
    ]
