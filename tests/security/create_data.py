"""Valid data for the create forms whose valid data the access table does not hold (it posts
them invalid, to prove the refusal); the double-submit and mass-assignment tests post it."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from prospects.models import Source


def _prospect_data(people) -> dict:
    # Confirmed as "not a duplicate" (else the second post meets the duplicate warning first).
    return {
        "name": "鑫源服装商行",
        "kind": "sole_trader",
        "source": Source.SHOP_CLUSTER,
        "stage": "lead",
        "confirm_duplicate": "on",
    }


def _territory_data(people) -> dict:
    return {"name": "城南批发市场", "kind": "market", "merchant_count": "120"}


def _a_minute_ago() -> str:
    return timezone.localtime(timezone.now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")


def _complaint_data(people) -> dict:
    return {
        **_question_data(people),
        "category": "fees",
        "mood": "angry",
        "points": "收费不透明",
    }


def _question_data(people) -> dict:
    return {
        "client_name": "王先生",
        "client_phone": "13800000000",
        "channel": "counter",
        "received_at": _a_minute_ago(),
        "points": "贷款利率能否下调？",
        "handler": people.owner.pk,
    }


def _investigation_data(people) -> dict:
    return {
        "amount": "300000",
        "term_months": "12",
        "product": "短期流动资金贷款",
        "purpose": "进货",
        "existing_loans": "0",
    }


def _side_inquiry_data(people) -> dict:
    return {
        "whom": "neighbour",
        "who": "隔壁五金店老板",
        "learned": "经营正常，未听说民间借贷",
        "asked_on": timezone.localdate().isoformat(),
        # The page's version is the page's to send; without one, no page is stale.
        "version": "",
    }


EXTRA_CREATE_DATA = {
    "prospects:create": _prospect_data,
    "prospects:territory_create": _territory_data,
    "complaints:create": _complaint_data,
    "complaints:question_create": _question_data,
    "investigations:create": _investigation_data,
    "investigations:child_create": _side_inquiry_data,
}
