"""A bank-scale handbook for `manage.py seed_volume` (see that command for the plug-in shape).

At scale 1: 10,000 entries written through the importer's bulk path (so the
search index and topic links are what a real import makes). The text is drawn
from the sample handbook's vocabulary plus banking words, with Zipf-like
weights so common words (客户) hit thousands of entries and rare ones a few.
`bench.playbook_search` uses the same generator.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.volume import Progress

ENTRIES = 10_000
ROOT = Path(__file__).resolve().parent

# Words a handbook of a small-business bank uses beyond the sample's own.
_EXTRA = """
授信 额度 利率 期限 还款 逾期 展期 续贷 抵押物 质押 保证人 担保公司 评估 登记 放款
审批 审查 风险 预警 不良 核销 催收 诉讼 账户 结算 存款 理财 保险 代发 工资 网银
手机银行 对公 小微 个体户 商户 农户 合作社 供应链 应收账款 存货 订单 发票 纳税 社保
水电费 租赁 厂房 设备 库存 经营 流水 利润 收入 成本 负债 资产 净资产 报表 审计 股东
法人 实际控制人 配偶 家庭 房产 车辆 学历 年龄 健康 信用卡 查询 记录 黑名单 法院 执行
行业 政策 监管 合规 反洗钱 尽职 访谈 笔录 照片 影像 档案 台账 系统 录入 复核 签字
面谈 面签 双人 上门 核实 交叉 验证 比对 异常 疑点 说明 整改 跟踪 贷后 检查 频率
季度 年度 月度 节假日 春节 中秋 端午 生日 开业 周年 庆典 展会 论坛 讲座 培训 沙龙
微信 电话 短信 邮件 拜访记录 客户名单 客户档案 营销 方案 产品 优惠 费率 手续费 积分
服务 态度 效率 排队 等候 柜台 大堂 经理 主管 行长 分行 支行 网点 同事 团队 考核
目标 任务 指标 业绩 排名 奖励 处罚 纪律 廉洁 礼品 宴请 回避 保密 隐私 授权 印章
"""
EXTRA_WORDS = _EXTRA.split()


def _vocabulary() -> tuple[list[str], list[str]]:
    import rjieba

    text = (ROOT / "data" / "sample_handbook.txt").read_text(encoding="utf-8")
    seen: dict[str, int] = {}
    for token in rjieba.cut(text):
        if len(token) >= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in token):
            seen[token] = seen.get(token, 0) + 1
    words = sorted(seen, key=lambda w: -seen[w]) + [w for w in EXTRA_WORDS if w not in seen]
    fillers = ["的", "和", "要", "在", "是", "把", "对", "给", "不", "也", "就", "时", "先", "再"]
    return words, fillers


class TextMaker:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, self.fillers = _vocabulary()
        # Zipf-like: the word at rank r is drawn with weight 1/(r + 5).
        self.weights = [1 / (rank + 5) for rank in range(len(self.words))]

    def phrase(self, n: int) -> str:
        picks = self.rng.choices(self.words, self.weights, k=n)
        out = []
        for word in picks:
            out.append(word)
            if self.rng.random() < 0.4:
                out.append(self.rng.choice(self.fillers))
        return "".join(out)

    def question(self) -> str:
        return self.phrase(self.rng.randint(3, 6)) + self.rng.choice(
            ["怎么办？", "要注意什么？", "如何处理？", "应该怎样做？", "是否可以？"]
        )

    def answer(self) -> str:
        lines = []
        for _ in range(self.rng.randint(2, 6)):
            sentence = "，".join(self.phrase(self.rng.randint(3, 7)) for _ in range(2)) + "。"
            if self.rng.random() < 0.3:
                sentence = f"{len(lines) + 1}. {sentence}"
            lines.append(sentence)
        return "\n".join(lines)


def build_handbook(n: int, rng: random.Random):
    from playbook.importer import Handbook, ParsedChapter, ParsedEntry, ParsedPart, ParsedSection

    maker = TextMaker(rng)
    numerals = "一二三四五六七八九十"
    handbook = Handbook()
    per_part = 2500
    number = 0
    for p in range((n + per_part - 1) // per_part):
        part = ParsedPart(f"第{numerals[p]}部分篇", 1)
        handbook.parts.append(part)
        chapter = ParsedChapter("综合", 1)
        part.chapters.append(chapter)
        count = min(per_part, n - p * per_part)
        for s in range(10):
            section = ParsedSection(numerals[s], f"第{numerals[s]}节", 1)
            chapter.sections.append(section)
            for i in range(count // 10 + (1 if s < count % 10 else 0)):
                number = s * 1000 + i + 1
                section.entries.append(ParsedEntry(number, maker.question(), maker.answer(), 1))
    return handbook, maker


def generate(scale: float, progress: Progress) -> None:
    from playbook.importer import import_handbook

    count = max(10, round(ENTRIES * scale))
    progress("handbook entries", 0, count)
    handbook, _maker = build_handbook(count, random.Random(20260101))
    import_handbook(handbook)
    progress("handbook entries", count, count)
