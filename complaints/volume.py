"""Bank-scale complaints for `manage.py seed_volume` (see that command for the plug-in shape).

At scale 1: 50,000 cases (a tenth of them questions a manager promised to come back on)
with 300,000 feedback contacts, handled by the client managers. Most are closed, spread
over the past three years; the open ones arrived in the last month, at every step, some
heard from today and some silent for days, so the board and the overdue lists have
something to show. A case about a colleague is never handled by that colleague.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from accounts.volume import Progress, batches, chinese_name
from complaints import rules
from complaints.models import (
    OPEN_COMPLAINT,
    Action,
    Case,
    CaseEvent,
    Category,
    Channel,
    ContactMethod,
    FeedbackContact,
    Kind,
    Mood,
    Status,
)
from prospects.models import Prospect
from prospects.volume import own_timestamps

CASES = 50_000
CONTACTS_PER_CASE = 6
POINTS = [
    "柜台排队时间过长",
    "贷款审批进度无人告知",
    "账户管理费收取不透明",
    "客户经理承诺的利率没有兑现",
    "网银转账失败后无人处理",
]
SAID = ["已转达相关部门，正在核实", "今天暂无新进展，明天继续跟进", "已约定下周当面说明"]
OPEN_STEPS = sorted(OPEN_COMPLAINT)


def generate(scale: float, progress: Progress) -> None:
    rng = random.Random(3)
    managers = list(User.objects.filter(role=Role.CLIENT_MANAGER).order_by("pk"))
    if not managers:
        return
    clients: dict[int, list[int]] = defaultdict(list)
    for pk, owner in Prospect.objects.order_by("pk").values_list("pk", "owner_id"):
        if len(clients[owner]) < 50:
            clients[owner].append(pk)
    total = round(CASES * scale)
    now = timezone.now()
    made = 0
    for chunk in batches(range(total), 2_000):
        rows = [_case(rng, managers, clients, now) for _ in chunk]
        with own_timestamps(Case, FeedbackContact, CaseEvent):
            saved = Case.objects.bulk_create(rows)
            FeedbackContact.objects.bulk_create(_contacts(rng, saved, now))
            CaseEvent.objects.bulk_create(_events(saved))
        made += len(saved)
        progress("complaints", made, total)


def _case(rng: random.Random, managers: list[User], clients, now) -> Case:
    handler = rng.choice(managers)
    question = rng.random() < 0.1
    is_open = rng.random() < 0.15
    received = now - timedelta(days=rng.uniform(0, 30) if is_open else rng.uniform(30, 3 * 365))
    if question:
        status = Status.ASKED if is_open else Status.ANSWERED
    else:
        status = rng.choice(OPEN_STEPS) if is_open else Status.CLOSED
    # Open cases: some heard from today, some silent for a few days (the overdue ones).
    silent = timedelta(days=rng.choice([0, 0, 0, 1, 2, 4]), hours=rng.uniform(0, 8))
    last_contact = max(received, now - silent) if is_open else received + timedelta(days=10)
    own_clients = clients.get(handler.pk) or []
    on_file = own_clients and rng.random() < 0.6
    family, _given = chinese_name(rng)
    colleague = rng.choice(managers)
    return Case(
        kind=Kind.QUESTION if question else Kind.COMPLAINT,
        status=status,
        prospect_id=rng.choice(own_clients) if on_file else None,
        client_name="" if on_file else f"{family}{'先生' if rng.random() < 0.5 else '女士'}",
        client_phone="" if on_file else f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
        channel=rng.choice(Channel.values),
        received_at=received,
        category=rng.choice(Category.values),
        points=rng.choice(POINTS),
        mood=rng.choice(Mood.values),
        handler=handler,
        about=colleague if not question and colleague != handler and rng.random() < 0.1 else None,
        last_contact_at=last_contact,
        decide_by=None if question else rules.resolution_deadline(received, 0),
        solution="" if is_open else "已向客户解释并退还多收费用",
        client_told="" if is_open else "如仍不满意，可向上级行、调解组织、仲裁或法院反映",
        root_cause="" if is_open or question else "收费标准未在柜台公示",
        fix="" if is_open or question else "公示收费标准，柜员培训",
        answer="已答复客户" if question and not is_open else "",
        closed_at=None if is_open else last_contact,
        created_by=handler,
        created_at=received,
    )


def _contacts(rng: random.Random, cases: list[Case], now):
    for case in cases:
        span = (case.last_contact_at - case.received_at).total_seconds()
        count = rng.randint(1, 2 * CONTACTS_PER_CASE - 1)
        for index in range(1, count + 1):
            # Spread up to the last contact, which is the case's own.
            at = case.received_at + timedelta(seconds=span * index / count)
            yield FeedbackContact(
                case=case,
                at=min(at, now),
                method=rng.choice(ContactMethod.values),
                said=rng.choice(SAID),
                progress=rng.random() < 0.3,
                by_id=case.handler_id,
                created_at=min(at, now),
            )


def _events(cases: list[Case]):
    for case in cases:
        yield CaseEvent(
            case=case,
            action=Action.RECEIVE,
            at=case.received_at,
            by_id=case.created_by_id,
            created_at=case.received_at,
        )
        if case.closed_at:
            yield CaseEvent(
                case=case,
                action=Action.ANSWER if case.kind == Kind.QUESTION else Action.CLOSE,
                at=case.closed_at,
                by_id=case.handler_id,
                note=case.solution or case.answer,
                created_at=case.closed_at,
            )
