"""Demo complaints and questions in every state relative to today (called by seed_demo).

Idempotent: a case is looked up by its handler and first complaint point.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

from django.utils import timezone

from complaints.models import Action, Case, Category, Channel, Kind, Mood
from complaints.services import case_record, contact_log
from prospects.models import Prospect

STEPS_TO_CLOSING = (Action.LISTEN, Action.ACKNOWLEDGE, Action.RESPOND, Action.AGREE, Action.EXCEED)
CLOSING = {
    "solution": "退还多收的账户管理费，并书面致歉",
    "client_told": "已当面告知处理结果；如仍不满意，可向上级分行反映，或申请调解、仲裁、向法院起诉",
    "root_cause": "收费标准调整后网点公示未及时更新",
    "fix": "网点每月核对收费公示；调整收费须经运营主管签字确认后上墙",
}


def _case(
    handler,
    *,
    points: str,
    received: datetime,
    kind: str = Kind.COMPLAINT,
    prospect: Prospect | None = None,
    **fields,
) -> tuple[Case, bool]:
    existing = Case.objects.filter(handler=handler, points__startswith=points.split("\n")[0])
    if existing.exists():
        return existing.first(), False
    case = Case(
        handler=handler,
        kind=kind,
        points=points,
        received_at=received,
        prospect=prospect,
        client_name="" if prospect else fields.pop("client_name", "陈女士"),
        client_phone="" if prospect else fields.pop("client_phone", "13912345678"),
        channel=fields.pop("channel", Channel.PHONE),
        **fields,
    )
    return case_record(case=case, by=handler), True


def _steps(case: Case, by, start: datetime, actions=STEPS_TO_CLOSING) -> None:
    for index, action in enumerate(actions):
        case.apply(action, by=by, at=start + timedelta(hours=index + 1), note=NOTES[action])


NOTES = {
    Action.LISTEN: "已记录投诉要点并向客户复述确认",
    Action.ACKNOWLEDGE: "让客户把话说完，表示理解其不满",
    Action.RESPOND: "已调取记录，会同运营部核实情况",
    Action.AGREE: "与客户商定解决方案",
    Action.EXCEED: "上门致歉并赠送理财讲座名额，感谢客户提出意见",
}


def seed(people: SimpleNamespace) -> None:
    now = timezone.now()
    day = timedelta(days=1)
    lina, wangqiang, liuyang = people.lina, people.wangqiang, people.liuyang
    clients = list(Prospect.objects.filter(owner=lina).order_by("pk")[:4])
    client = clients[0] if clients else None

    # Due today: received yesterday, no contact since.
    _case(
        lina,
        points="贷款审批进度无人告知\n电话多次无人接听",
        received=now - day,
        prospect=client,
        category=Category.LOAN_PROCESS,
        mood=Mood.ANNOYED,
    )
    # Overdue: last heard from us two days ago.
    _case(
        wangqiang,
        points="柜台排队时间过长",
        received=now - 2 * day,
        channel=Channel.COUNTER,
        category=Category.ATTITUDE,
        mood=Mood.DISAPPOINTED,
        client_name="周先生",
    )
    # Escalated: two whole days of silence after the last contact.
    case, created = _case(
        lina,
        points="账户管理费扣收未提前告知",
        received=now - 6 * day,
        prospect=clients[1] if len(clients) > 1 else None,
        category=Category.FEES,
        mood=Mood.ANGRY,
        about=wangqiang,
    )
    if created:
        _steps(case, lina, now - 6 * day, STEPS_TO_CLOSING[:2])
        contact_log(
            case=case,
            by=lina,
            said="告知正在核实扣费记录",
            method="phone",
            progress=False,
            at=now - 4 * day,
        )
    # Resolution late: contacted every day, but past the 15-day clock.
    case, created = _case(
        liuyang,
        points="贷款利率与宣传不一致",
        received=now - 20 * day,
        category=Category.PRODUCT,
        mood=Mood.ANGRY,
        client_name="吴老板",
    )
    if created:
        _steps(case, liuyang, now - 20 * day, STEPS_TO_CLOSING[:3])
        contact_log(
            case=case,
            by=liuyang,
            said="仍在与总行确认",
            method="wechat",
            progress=False,
            at=now - timedelta(hours=2),
        )
    # Decision due in two days: contacted every day, the 15-day clock nearly out (the
    # agenda's "decisions due soon", and the morning reminder).
    case, created = _case(
        lina,
        points="提前还款手续费收取有争议",
        received=now - 13 * day,
        category=Category.FEES,
        mood=Mood.DISAPPOINTED,
        client_name="冯女士",
    )
    if created:
        _steps(case, lina, now - 13 * day, STEPS_TO_CLOSING[:3])
        contact_log(
            case=case,
            by=lina,
            said="已提交分行复核，两日内给出处理决定",
            method="phone",
            progress=True,
            at=now - timedelta(hours=1),
        )
    # Extended with a written reason.
    case, created = _case(
        lina,
        points="抵押物评估价值偏低",
        received=now - 17 * day,
        prospect=clients[2] if len(clients) > 2 else None,
        category=Category.LOAN_PROCESS,
        mood=Mood.DISAPPOINTED,
    )
    if created:
        _steps(case, lina, now - 17 * day, STEPS_TO_CLOSING[:3])
        case.extend(by=lina, reason="需第三方评估机构复评，已书面告知客户", at=now - 3 * day)
        contact_log(
            case=case,
            by=lina,
            said="复评已安排，下周出结果",
            method="phone",
            progress=True,
            at=now - timedelta(hours=3),
        )
    # Closed with a root cause and fix.
    case, created = _case(
        wangqiang,
        points="多收账户管理费",
        received=now - 30 * day,
        category=Category.FEES,
        mood=Mood.ANNOYED,
        client_name="郑女士",
    )
    if created:
        _steps(case, wangqiang, now - 30 * day)
        case.apply(Action.CLOSE, by=wangqiang, at=now - 24 * day, changes=dict(CLOSING))
    # Reopened: the client did not accept the outcome.
    case, created = _case(
        lina,
        points="信用卡年费未按承诺减免",
        received=now - 25 * day,
        prospect=clients[3] if len(clients) > 3 else None,
        category=Category.FEES,
        mood=Mood.ANGRY,
    )
    if created:
        _steps(case, lina, now - 25 * day)
        case.apply(Action.CLOSE, by=lina, at=now - 20 * day, changes=dict(CLOSING))
        case.apply(
            Action.REOPEN, by=lina, at=now - 1 * day, note="客户不接受处理结果，要求重新核实"
        )

    # Questions a manager promised to come back on.
    _case(
        lina,
        kind=Kind.QUESTION,
        points="提前还款是否收违约金？已承诺明天答复",
        received=now - day,
        prospect=client,
    )
    _case(
        wangqiang,
        kind=Kind.QUESTION,
        points="个体户能否用商铺租赁合同做抵押？",
        received=now - 3 * day,
        client_name="孙老板",
    )
    case, created = _case(
        lina,
        kind=Kind.QUESTION,
        points="贷款到期后能否续贷？",
        received=now - 5 * day,
        client_name="何先生",
    )
    if created:
        case.apply(
            Action.ANSWER,
            by=lina,
            at=now - 4 * day,
            changes={"answer": "符合条件可申请无还本续贷，需提前一个月提交材料"},
        )
