"""Playbook search at 10,000 entries: median and 95th percentile of `search_entries`.

    .venv/bin/python -m bench.playbook_search                 # SQLite and PostgreSQL
    .venv/bin/python -m bench.playbook_search --backend sqlite
    .venv/bin/python -m bench.playbook_search --entries 2000 --queries 100

One query in five is a whole question as a trainee types it (question words
and all), ranked over an OR of its words. Each backend runs in its own process against a throwaway database (a temp
SQLite file; PostgreSQL database `wb_bench_search`, or $BENCH_POSTGRES_DB when
several people share the server, dropped and recreated), never the development
database. Entries are generated from the sample
handbook's vocabulary plus banking words, drawn with Zipf-like weights so
common words (客户) hit thousands of entries and rare ones a few, and are
written through the importer's bulk path. Target: median < 10 ms, p95 < 30 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# A throwaway database, dropped and recreated: name one that is yours alone.
PG_DATABASE = os.environ.get("BENCH_POSTGRES_DB", "wb_bench_search")
TARGET_MEDIAN_MS = 10.0
TARGET_P95_MS = 30.0

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

    text = (ROOT / "playbook" / "data" / "sample_handbook.txt").read_text(encoding="utf-8")
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


def build_queries(maker: TextMaker, rng: random.Random, count: int) -> list[str]:
    two_char = [w for w in maker.words if len(w) == 2]
    longer = [w for w in maker.words if len(w) > 2]
    queries: list[str] = []
    for i in range(count):
        kind = i % 5
        if kind == 4:  # a whole question, as trainees ask (客户…怎么办？)
            queries.append(maker.question())
        elif kind == 0:  # a common or rare two-character word
            queries.append(rng.choices(two_char, [1 / (r + 5) for r in range(len(two_char))])[0])
        elif kind == 1:  # a uniformly chosen two-character word (mostly rare)
            queries.append(rng.choice(two_char))
        elif kind == 2:  # a longer word
            queries.append(rng.choice(longer))
        else:  # two or three words, as someone types a phrase
            queries.append(" ".join(rng.sample(maker.words[:200], rng.randint(2, 3))))
    return queries


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def run_backend(backend: str, entries: int, query_count: int) -> dict:
    """In a child process whose DATABASE_URL names the throwaway database."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from playbook.importer import import_handbook
    from playbook.models import Entry, Section
    from playbook.search import search_entries

    call_command("migrate", verbosity=0)
    rng = random.Random(20260101)
    handbook, maker = build_handbook(entries, rng)
    started = time.perf_counter()
    result = import_handbook(handbook)
    import_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        # The shared PostgreSQL runs without autovacuum: vacuum the bulk insert's
        # tables or the measurement includes their bloat.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    assert Entry.objects.count() == entries, Entry.objects.count()

    queries = build_queries(maker, rng, query_count)
    section_ids = list(Section.objects.values_list("pk", flat=True))
    # One query in ten narrowed to a section, as with the section filter.
    sections = [rng.choice(section_ids) if i % 10 == 9 else None for i in range(len(queries))]
    for query in queries[:20]:  # warm caches and the segmenter
        search_entries(query)
    timings: list[float] = []
    hits: list[int] = []
    for query, section in zip(queries, sections, strict=True):
        t0 = time.perf_counter()
        results = search_entries(query, section=section)
        timings.append((time.perf_counter() - t0) * 1000)
        hits.append(len(results.hits))
    slowest = sorted(zip(timings, queries, strict=True), reverse=True)[:5]
    return {
        "backend": backend,
        "entries": entries,
        "created": result.counts["created"],
        "import_seconds": round(import_seconds, 1),
        "queries": len(queries),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "queries_with_hits": sum(1 for h in hits if h),
        "slowest": [(round(t, 1), q) for t, q in slowest],
    }


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def child_env(backend: str, tmpdir: str) -> dict[str, str]:
    env = dict(os.environ)
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmpdir}/bench_search.sqlite3"
    else:
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_DATABASE}"
    # Production-like: no DEBUG (no query log kept in memory).
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="localhost",
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(run_backend(args.backend, args.entries, args.queries)))
        return

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    failed = False
    with tempfile.TemporaryDirectory() as tmpdir:
        for backend in backends:
            if backend == "postgresql":
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
                _pg_admin(f"CREATE DATABASE {PG_DATABASE}")
            try:
                out = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "bench.playbook_search",
                        "--child",
                        f"--backend={backend}",
                        f"--entries={args.entries}",
                        f"--queries={args.queries}",
                    ],
                    cwd=ROOT,
                    env=child_env(backend, tmpdir),
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            finally:
                if backend == "postgresql":
                    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
            report = json.loads(out.strip().splitlines()[-1])
            ok = report["median_ms"] < TARGET_MEDIAN_MS and report["p95_ms"] < TARGET_P95_MS
            failed |= not ok
            print(
                f"{backend:<10} {report['entries']} entries (import {report['import_seconds']} s), "
                f"{report['queries']} queries ({report['queries_with_hits']} with hits): "
                f"median {report['median_ms']} ms, p95 {report['p95_ms']} ms, "
                f"max {report['max_ms']} ms  [{'ok' if ok else 'OVER TARGET'}]"
            )
            print(f"           slowest: {report['slowest']}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
