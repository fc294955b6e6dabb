"""Bank-scale prospects for `manage.py seed_volume` (see that command for the plug-in shape).

At scale 1: 100,000 prospects spread evenly over the client managers (500
each), about 500,000 visits, 40,000 promises, 20,000 hospitality entries, the
territories of each branch, one "created" audit entry per prospect, and a long
change history (60 changes) on each manager's first prospect — the page the
benchmark opens. Dates spread over the past three years; next actions around
today, so agendas and overdue lists have something to show.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts import sample_names
from accounts.models import Role, User
from accounts.volume import BATCH, Progress, batches, chinese_name, people_by_role
from prospects.models import (
    HospitalityEntry,
    HospitalityKind,
    Industry,
    Outcome,
    PaidBy,
    Promise,
    PromiseStatus,
    Prospect,
    ProspectKind,
    Source,
    Stage,
    Territory,
    TerritoryKind,
    Visit,
    VisitKind,
    normalise_name,
    normalise_phone,
)

PROSPECTS = 100_000
VISITS_PER_PROSPECT = 5
HISTORY_LENGTH = 60

PLACES = [*sample_names.PLACES, "解放", "人民", "中山", "建设", "和平", "胜利"]
TERRITORY_KINDS = [
    (TerritoryKind.MARKET, "小商品批发市场"),
    (TerritoryKind.MARKET, "农副产品市场"),
    (TerritoryKind.MALL, "商业广场"),
    (TerritoryKind.STREET, "五金一条街"),
    (TerritoryKind.STREET, "美食街"),
    (TerritoryKind.INDUSTRIAL_PARK, "科技工业园"),
    (TerritoryKind.ASSOCIATION, "商会"),
]
TRADES = [
    "服装",
    "五金",
    "日用百货",
    "茶叶",
    "酒店",
    "餐饮",
    "火锅",
    "建材",
    "电子",
    "水产",
    "粮油",
    "家具",
]
NEXT_ACTIONS = ["回访了解资金需求", "约见老板面谈", "送达产品资料", "跟进授信申请", "邀请参加沙龙"]
LEARNED = [
    "见到老板，旺季备货需要资金",
    "门卫不让进，留了名片",
    "财务说在别的银行有贷款",
    "老板出差，下周再来",
]
STAGES = [
    (Stage.LEAD, 30),
    (Stage.CONTACTED, 25),
    (Stage.NEGOTIATING, 15),
    (Stage.CLIENT, 20),
    (Stage.LOST, 5),
    (Stage.DECLINED, 5),
]
DONE_OUTCOMES = [o for o in Outcome.values if o != Outcome.PLANNED]


@contextmanager
def own_timestamps(*models) -> Iterator[None]:
    """Let bulk_create write the generated created/updated times instead of now()."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def generate(scale: float, progress: Progress) -> None:
    rng = random.Random(20261129)
    people = people_by_role()
    managers = people.get(Role.CLIENT_MANAGER, [])
    if not managers:
        return
    territories = _territories(rng, managers)
    industries = list(Industry.objects.values_list("pk", flat=True))
    total = max(len(managers), round(PROSPECTS * scale))
    per_manager = total // len(managers)
    today = timezone.localdate()
    now = timezone.now()
    stages, weights = zip(*STAGES, strict=True)

    def prospect(owner: User, index: int, referred_by: int | None) -> Prospect:
        trade = rng.choice(TRADES)
        name = f"{rng.choice(PLACES)}{rng.choice(sample_names.WORDS)}{trade}{rng.choice(sample_names.SUFFIXES)}（{owner.username}-{index}）"
        family, given = chinese_name(rng)
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        stage = rng.choices(stages, weights)[0]
        created = now - timedelta(days=rng.uniform(1, 3 * 365))
        updated = created + (now - created) * rng.random()
        owned = territories[owner.pk]
        return Prospect(
            name=name,
            name_key=normalise_name(name),
            kind=rng.choice(ProspectKind.values),
            industry_id=rng.choice(industries) if industries and rng.random() < 0.9 else None,
            territory_id=rng.choice(owned) if owned and rng.random() < 0.85 else None,
            address=f"{rng.choice(PLACES)}路{rng.randint(1, 400)}号",
            contact_name=family + given,
            contact_role=rng.choice(sample_names.ROLES),
            phone=phone,
            phone_key=normalise_phone(phone),
            source=Source.REFERRAL if referred_by else rng.choice(Source.values),
            referred_by_id=referred_by,
            branch_id=owner.branch_id,
            owner=owner,
            stage=stage,
            closed_reason="客户暂无需求" if stage in (Stage.LOST, Stage.DECLINED) else "",
            became_client_on=updated.date() if stage == Stage.CLIENT else None,
            monthly_sales=Decimal(rng.randint(5, 5000) * 1000),
            estimated_credit_need=Decimal(rng.randint(0, 300) * 10000),
            next_action=rng.choice(NEXT_ACTIONS)
            if stage not in (Stage.LOST, Stage.DECLINED)
            else "",
            next_action_date=(
                today + timedelta(days=rng.randint(-30, 30))
                if stage not in (Stage.LOST, Stage.DECLINED)
                else None
            ),
            created_at=created,
            updated_at=updated,
        )

    # Hubs first (a tenth of each manager's prospects), then the rest, some referred by a hub.
    hubs_each = max(1, per_manager // 10)
    hubs: dict[int, list[int]] = defaultdict(list)
    created: list[Prospect] = []
    with own_timestamps(Prospect):
        rows = ((m, i, None) for m in managers for i in range(hubs_each))
        for chunk in batches(rows):
            made = Prospect.objects.bulk_create([prospect(*row) for row in chunk])
            for p in made:
                hubs[p.owner_id].append(p.pk)
            created.extend(made)
            progress("prospects", len(created), per_manager * len(managers))
        rows = (
            (m, i, rng.choice(hubs[m.pk]) if rng.random() < 0.15 else None)
            for m in managers
            for i in range(hubs_each, per_manager)
        )
        for chunk in batches(rows):
            created.extend(Prospect.objects.bulk_create([prospect(*row) for row in chunk]))
            progress("prospects", len(created), per_manager * len(managers))
    showcase = {pks[0] for pks in hubs.values()}
    _visits(rng, created, showcase, today, progress)
    _promises_and_hospitality(rng, created, today, progress)
    _history(rng, created, showcase, territories, industries, progress)


def _territories(rng: random.Random, managers: list[User]) -> dict[int, list[int]]:
    """Each branch's territories (one per two managers), each manager working two or three."""
    by_branch: dict[int, list[User]] = defaultdict(list)
    for manager in managers:
        by_branch[manager.branch_id].append(manager)
    worked: dict[int, list[int]] = defaultdict(list)
    links = []
    for branch_id, staff in by_branch.items():
        names = [f"{place}{label}" for place in PLACES for _kind, label in TERRITORY_KINDS]
        kinds = {f"{place}{label}": kind for place in PLACES for kind, label in TERRITORY_KINDS}
        chosen = rng.sample(names, min(len(names), max(2, len(staff) // 2)))
        made = Territory.objects.bulk_create(
            Territory(
                name=name,
                kind=kinds[name],
                branch_id=branch_id,
                merchant_count=rng.randint(50, 2000),
            )
            for name in chosen
        )
        for manager in staff:
            for territory in rng.sample(made, min(len(made), rng.randint(2, 3))):
                worked[manager.pk].append(territory.pk)
                links.append(
                    Territory.managers.through(territory_id=territory.pk, user_id=manager.pk)
                )
    Territory.managers.through.objects.bulk_create(links, batch_size=BATCH)
    return worked


def _visits(
    rng: random.Random, prospects: list[Prospect], showcase: set[int], today: date, progress
) -> None:
    def rows() -> Iterator[Visit]:
        for p in prospects:
            count = 30 if p.pk in showcase else rng.randint(0, 2 * VISITS_PER_PROSPECT)
            for _ in range(count):
                planned = rng.random() < 0.08
                day = (
                    today + timedelta(days=rng.randint(-3, 14))
                    if planned
                    else p.created_at.date() + timedelta(days=rng.randint(0, 3 * 365))
                )
                outcome = Outcome.PLANNED if planned else rng.choice(DONE_OUTCOMES)
                yield Visit(
                    prospect_id=p.pk,
                    owner_id=p.owner_id,
                    visited_on=min(day, today) if not planned else day,
                    at_time=time(rng.randint(8, 18), rng.choice((0, 30))),
                    kind=rng.choice(VisitKind.values),
                    appointment=rng.random() < 0.5,
                    outcome=outcome,
                    met_whom=p.contact_name if outcome else "",
                    learned=rng.choice(LEARNED) if outcome else "",
                    recorded_by_id=p.owner_id,
                    created_at=datetime.combine(
                        day, time(12), tzinfo=timezone.get_current_timezone()
                    ),
                )

    expected = len(prospects) * VISITS_PER_PROSPECT
    done = 0
    with own_timestamps(Visit):
        for chunk in batches(rows(), 10_000):
            Visit.objects.bulk_create(chunk)
            done += len(chunk)
            progress("visits", min(done, expected - 1), expected)
    progress("visits", expected, expected)


def _promises_and_hospitality(
    rng: random.Random, prospects: list[Prospect], today: date, progress
) -> None:
    promises = []
    hospitality = []
    for p in prospects:
        if rng.random() < 0.4:
            status = rng.choices(PromiseStatus.values, (30, 58, 10, 2))[0]
            broken = status in (PromiseStatus.CANNOT_KEEP, PromiseStatus.DECLINED_RULES)
            promises.append(
                Promise(
                    prospect_id=p.pk,
                    owner_id=p.owner_id,
                    description="三个工作日内给出授信初步意见",
                    made_on=today - timedelta(days=rng.randint(5, 400)),
                    due_on=today + timedelta(days=rng.randint(-60, 30)),
                    status=status,
                    explanation="审批流程延长，已当面说明" if broken else "",
                    compensation="免除一年账户管理费" if broken else "",
                    closed_on=today - timedelta(days=rng.randint(0, 4))
                    if status != PromiseStatus.OPEN
                    else None,
                    recorded_by_id=p.owner_id,
                )
            )
        if rng.random() < 0.2:
            kind = rng.choice(HospitalityKind.values)
            hospitality.append(
                HospitalityEntry(
                    prospect_id=p.pk,
                    owner_id=p.owner_id,
                    occurred_on=today - timedelta(days=rng.randint(0, 700)),
                    kind=kind,
                    paid_by=rng.choice(PaidBy.values),
                    value=Decimal(rng.randint(20, 800)),
                    note="中秋节月饼" if kind == HospitalityKind.GIFT else "",
                    recorded_by_id=p.owner_id,
                )
            )
    for label, model, rows in (
        ("promises", Promise, promises),
        ("hospitality", HospitalityEntry, hospitality),
    ):
        done = 0
        for chunk in batches(rows):
            model.objects.bulk_create(chunk)
            done += len(chunk)
            progress(label, done, len(rows))


def _history(
    rng: random.Random,
    prospects: list[Prospect],
    showcase: set[int],
    territories: dict[int, list[int]],
    industries: list[int],
    progress,
) -> None:
    """A "created" entry for every prospect; on the showcase prospects a long run of changes
    of related fields (owner, territory, industry), which the history must show by name."""
    content_type = ContentType.objects.get_for_model(Prospect)
    teams: dict[int, list[int]] = defaultdict(list)
    for p in prospects:
        if p.pk in showcase:
            teams[p.owner.supervisor_id].append(p.owner_id)

    def entry(p: Prospect, action: int, changes: dict, when: datetime) -> LogEntry:
        return LogEntry(
            content_type=content_type,
            object_pk=str(p.pk),
            object_id=p.pk,
            object_repr=p.name,
            action=action,
            changes=changes,
            actor_id=p.owner_id,
            timestamp=when,
        )

    def entries() -> Iterator[LogEntry]:
        for p in prospects:
            created = {
                "name": p.name,
                "stage": p.stage,
                "owner": p.owner_id,
                "territory": p.territory_id,
            }
            yield entry(
                p,
                LogEntry.Action.CREATE,
                {field: ["None", str(value)] for field, value in created.items()},
                p.created_at,
            )
            if p.pk not in showcase:
                continue
            owners = teams[p.owner.supervisor_id]
            for step in range(HISTORY_LENGTH):
                field = ("stage", "owner", "territory", "industry")[step % 4]
                if field == "stage":
                    old, new = rng.sample(Stage.values, 2)
                elif field == "owner":
                    old, new = (
                        (str(o) for o in rng.sample(owners, 2))
                        if len(owners) > 1
                        else ("None", str(p.owner_id))
                    )
                elif field == "territory":
                    pool = territories[p.owner_id]
                    old, new = str(rng.choice(pool)), str(rng.choice(pool))
                else:
                    old, new = (str(i) for i in rng.sample(industries, 2))
                yield entry(
                    p,
                    LogEntry.Action.UPDATE,
                    {field: [old, new]},
                    p.created_at + timedelta(days=step + 1),
                )

    expected = len(prospects) + len(showcase) * HISTORY_LENGTH
    done = 0
    for chunk in batches(entries()):
        LogEntry.objects.bulk_create(chunk)
        done += len(chunk)
        progress("change history", done, expected)
