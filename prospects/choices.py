"""The prospects app's fixed choices, apart from the models so that rules.py can use them
without importing the models (and the models can use the rules)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    MARKET = "market", _("Market")
    MALL = "mall", _("Mall")
    STREET = "street", _("Street")
    INDUSTRIAL_PARK = "industrial_park", _("Industrial park")
    ASSOCIATION = "association", _("Association")


class ProspectKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SOLE_TRADER = "sole_trader", _("Sole trader")
    INDIVIDUAL = "individual", _("Individual")


class Source(models.TextChoices):
    """The seven channels of handbook §1."""

    INDUSTRY_RESEARCH = "industry_research", _("Industry research")
    SHOP_CLUSTER = "shop_cluster", _("Shop cluster (mall, wholesale market, hub)")
    REFERRAL = "referral", _("Client referral")
    COMPETITOR = "competitor", _("Competitor's client")
    RELATIVES_FRIENDS = "relatives_friends", _("Relatives and friends")
    ASSIGNED_ACCOUNT = "assigned_account", _("Assigned territory account")
    ASSOCIATION = "association", _("Chamber or association")


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    CONTACTED = "contacted", _("Contacted")
    NEGOTIATING = "negotiating", _("Negotiating")
    CLIENT = "client", _("Client")
    LOST = "lost", _("Lost")
    DECLINED = "declined", _("Declined")


class VisitKind(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    PHONE = "phone", _("Phone")
    AT_BRANCH = "at_branch", _("At the branch")
    EVENT = "event", _("Event")


class Outcome(models.TextChoices):
    # An empty outcome means the visit is planned and has not happened yet.
    PLANNED = "", _("Planned")
    MET_DECISION_MAKER = "met_decision_maker", _("Met the decision maker")
    MET_STAFF = "met_staff", _("Met staff")
    TURNED_AWAY = "turned_away", _("Turned away at the gate")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    NO_ANSWER = "no_answer", _("No answer")


# Handbook §1: only a visit that reached someone at the client is contact. Turned away at the
# gate, no answer or rescheduled is an attempt (rules.counts_as_contact; VisitQuerySet.contacts).
CONTACT_OUTCOMES = frozenset({Outcome.MET_DECISION_MAKER, Outcome.MET_STAFF})


class HospitalityKind(models.TextChoices):
    MEAL = "meal", _("Meal")
    GIFT = "gift", _("Gift")
    OTHER = "other", _("Other")


class PaidBy(models.TextChoices):
    US = "us", _("We paid")
    CLIENT = "client", _("The client paid")
    SHARED = "shared", _("Shared")


class HospitalityReview(models.TextChoices):
    AWAITING = "", _("Awaiting review")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    QUESTIONED = "questioned", _("Questioned")


class PromiseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    KEPT = "kept", _("Kept")
    CANNOT_KEEP = "cannot_keep", _("Cannot be kept")
    # Handbook §1: the one exception — keeping it would break the bank's rules or ethics.
    DECLINED_RULES = "declined_rules", _("Declined: against bank rules or ethics")


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Being checked")
    # A long file, checked and confirmed, waiting for the background worker to import it.
    QUEUED = "queued", _("Being imported")
    COMMITTED = "committed", _("Imported")


# Lost or declined: no longer worked, so never overdue.
CLOSED_STAGES = frozenset({Stage.LOST, Stage.DECLINED})
