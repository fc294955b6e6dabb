"""Small typed builders for prospects and their records."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from accounts.models import User
from prospects.models import (
    HospitalityEntry,
    HospitalityKind,
    ImportBatch,
    Industry,
    PaidBy,
    Promise,
    Prospect,
    Source,
    Stage,
    Territory,
    TerritoryKind,
    Visit,
)

_numbers = count(1)


def make_territory(
    *,
    branch,
    name: str | None = None,
    merchants: int = 100,
    managers=(),
    kind: str = TerritoryKind.MARKET,
) -> Territory:
    territory = Territory.objects.create(
        branch=branch,
        name=name or f"片区{next(_numbers)}",
        kind=kind,
        merchant_count=merchants,
    )
    territory.managers.add(*managers)
    return territory


def make_prospect(owner: User, **fields) -> Prospect:
    number = next(_numbers)
    values = {
        "name": f"商户{number}",
        "source": Source.SHOP_CLUSTER,
        "stage": Stage.LEAD,
        "phone": f"138{number:08d}",
        "industry": Industry.objects.first(),
    }
    values.update(fields)
    return Prospect.objects.create(owner=owner, **values)


def make_visit(prospect: Prospect, *, by: User | None = None, **fields) -> Visit:
    values = {"visited_on": timezone.localdate(), "outcome": "met_staff"}
    values.update(fields)
    return Visit.objects.create(prospect=prospect, recorded_by=by or prospect.owner, **values)


def make_promise(prospect: Prospect, *, due_on: date | None = None, **fields) -> Promise:
    today = timezone.localdate()
    return Promise.objects.create(
        prospect=prospect,
        description=fields.pop("description", "一周内答复额度"),
        made_on=fields.pop("made_on", today - timedelta(days=3)),
        due_on=due_on or today + timedelta(days=3),
        recorded_by=prospect.owner,
        **fields,
    )


def make_hospitality(prospect: Prospect, **fields) -> HospitalityEntry:
    values = {
        "occurred_on": timezone.localdate(),
        "kind": HospitalityKind.MEAL,
        "paid_by": PaidBy.CLIENT,
        "value": Decimal("300"),
    }
    values.update(fields)
    return HospitalityEntry.objects.create(prospect=prospect, recorded_by=prospect.owner, **values)


def make_import_batch(owner: User, data: bytes, file_name: str = "名单.csv") -> ImportBatch:
    """An uploaded merchant list waiting for its preview, into a new territory of `owner`'s."""
    territory = make_territory(branch=owner.branch, managers=[owner])
    return ImportBatch.objects.create(
        created_by=owner, owner=owner, territory=territory, file_name=file_name, data=data
    )
