from django.db import migrations

# (slug, name, keywords the importer uses to propose the topic)
TOPICS = [
    ("prospecting", "寻找客户", "寻找 选择 客户名单 潜在客户 营销 目标客户 客户来源 转介绍 商会"),
    ("visiting", "拜访客户", "拜访 上门 门卫 见面 约见 预约 名片 三品 第一次"),
    ("relationship", "关系与招待", "关系 联系 招待 宴请 吃饭 礼品 感情 维护 节日"),
    ("promises", "承诺", "承诺 答应 兑现 保证 许诺"),
    ("unfamiliar-questions", "不熟悉的问题", "不懂 不熟悉 不知道 回答不了 请教 专业问题"),
    ("investigation", "贷款调查", "贷款调查 征信 贷前 实地 核实 尽职调查"),
    ("financial-analysis", "财务分析", "财务分析 报表 资产负债 利润 现金流 流水 负债率"),
    ("complaints", "投诉处理", "投诉 抱怨 不满 纠纷 道歉"),
]


def create_topics(apps, schema_editor):
    Topic = apps.get_model("playbook", "Topic")
    for order, (slug, name, keywords) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(
            slug=slug, defaults={"name": name, "keywords": keywords, "order": order}
        )


def remove_topics(apps, schema_editor):
    apps.get_model("playbook", "Topic").objects.filter(slug__in=[t[0] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("playbook", "0001_initial")]

    operations = [migrations.RunPython(create_topics, remove_topics)]
