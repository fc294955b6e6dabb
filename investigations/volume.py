"""Bank-scale loan investigations for `manage.py seed_volume` (see that command for the plug-in
shape).

At scale 1: 20,000 investigations of the managers' negotiating and won prospects, each with
its eight checklist items and the events of its way so far: drafts, submissions waiting in
the supervisors' queues, returns, approvals and declines (decided by the owner's
supervisor, never the owner), spread over the past three years with the open ones recent.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Role, User
from accounts.volume import Progress, batches
from investigations.models import (
    CHECKLIST,
    Action,
    ChecklistItem,
    Investigation,
    InvestigationEvent,
    ItemStatus,
    Method,
    Status,
)
from prospects.models import Prospect, Stage
from prospects.volume import own_timestamps

INVESTIGATIONS = 20_000
STATUSES = [
    (Status.DRAFT, 25),
    (Status.SUBMITTED, 15),
    (Status.RETURNED, 10),
    (Status.APPROVED, 40),
    (Status.DECLINED, 10),
]
PURPOSES = ["旺季备货", "采购原材料", "支付供应商货款", "扩大门店经营", "更新生产设备"]
METHODS = list(Method.values)
FINDINGS = ["与申请人陈述一致", "经营正常，账实相符", "未发现不良记录", "现场核实无异常"]


def generate(scale: float, progress: Progress) -> None:
    rng = random.Random(8)
    owners_supervisor = dict(
        User.objects.filter(role=Role.CLIENT_MANAGER).values_list("pk", "supervisor_id")
    )
    prospects = list(
        Prospect.objects.filter(stage__in=[Stage.NEGOTIATING, Stage.CLIENT])
        .order_by("pk")
        .values_list("pk", "owner_id")
    )
    if not prospects:
        return
    total = round(INVESTIGATIONS * scale)
    now = timezone.now()
    statuses, weights = zip(*STATUSES, strict=True)
    made = 0
    for chunk in batches(range(total), 2_000):
        rows = []
        for _ in chunk:
            prospect_pk, owner_pk = rng.choice(prospects)
            status = rng.choices(statuses, weights)[0]
            is_open = status in (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)
            created = now - timedelta(days=rng.uniform(0, 30 if is_open else 3 * 365))
            submitted = created + timedelta(hours=rng.uniform(2, 72))
            decided = submitted + timedelta(hours=rng.uniform(1, 96))
            reviewer = owners_supervisor.get(owner_pk)
            sent = status != Status.DRAFT
            final = status in (Status.APPROVED, Status.DECLINED)
            rows.append(
                Investigation(
                    prospect_id=prospect_pk,
                    owner_id=owner_pk,
                    amount=Decimal(rng.randint(5, 300) * 10_000),
                    term_months=rng.choice([6, 12, 12, 24, 36]),
                    purpose=rng.choice(PURPOSES),
                    existing_loans=Decimal(rng.choice([0, 0, 0, 100_000, 300_000])),
                    status=status,
                    submitted_at=submitted if sent else None,
                    submitted_by_id=owner_pk if sent else None,
                    decided_at=decided if final else None,
                    decided_by_id=reviewer if final else None,
                    created_at=created,
                    updated_at=decided if final else (submitted if sent else created),
                )
            )
        with own_timestamps(Investigation):
            saved = Investigation.objects.bulk_create(rows)
        ChecklistItem.objects.bulk_create(_items(rng, saved))
        InvestigationEvent.objects.bulk_create(_events(saved, owners_supervisor))
        made += len(saved)
        progress("investigations", made, total)


def _items(rng: random.Random, investigations: list[Investigation]):
    for investigation in investigations:
        draft = investigation.status == Status.DRAFT
        for position, kind in enumerate(CHECKLIST, start=1):
            done = not draft or rng.random() < 0.5
            yield ChecklistItem(
                investigation=investigation,
                kind=kind,
                position=position,
                status=(ItemStatus.CLEAR if rng.random() < 0.9 else ItemStatus.ISSUE)
                if done
                else ItemStatus.PENDING,
                methods=rng.sample(METHODS, 2) if done else [],
                finding=rng.choice(FINDINGS) if done else "",
                done_on=investigation.created_at.date() if done else None,
                done_by_id=investigation.owner_id if done else None,
            )


def _event(investigation, action, before, after, by, at, comment="") -> InvestigationEvent:
    return InvestigationEvent(
        investigation=investigation,
        action=action,
        from_status=before,
        to_status=after,
        by_id=by,
        at=at,
        comment=comment,
    )


def _events(investigations: list[Investigation], owners_supervisor: dict[int, int | None]):
    decisions = {Status.APPROVED: Action.APPROVE, Status.DECLINED: Action.DECLINE}
    for investigation in investigations:
        owner, status = investigation.owner_id, investigation.status
        reviewer = owners_supervisor.get(owner)
        yield _event(
            investigation, Action.CREATE, "", Status.DRAFT, owner, investigation.created_at
        )
        if status == Status.DRAFT:
            continue
        submitted_at = investigation.submitted_at
        yield _event(
            investigation, Action.SUBMIT, Status.DRAFT, Status.SUBMITTED, owner, submitted_at
        )
        if status == Status.RETURNED and reviewer:
            returned_at = submitted_at + timedelta(hours=4)
            yield _event(
                investigation,
                Action.RETURN,
                Status.SUBMITTED,
                status,
                reviewer,
                returned_at,
                "请补充对外核实的结果",
            )
        if status in decisions and reviewer:
            comment = "材料齐全，同意" if status == Status.APPROVED else "第一还款来源不足"
            yield _event(
                investigation,
                decisions[status],
                Status.SUBMITTED,
                status,
                reviewer,
                investigation.decided_at,
                comment,
            )
