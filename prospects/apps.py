from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProspectsConfig(AppConfig):
    name = "prospects"
    verbose_name = _("Prospects")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from prospects.models import (
            HospitalityEntry,
            Industry,
            Promise,
            Prospect,
            Territory,
            Visit,
        )

        auditlog.register(Prospect, exclude_fields=["name_key", "phone_key", "updated_at"])
        auditlog.register(Territory, m2m_fields={"managers"})
        auditlog.register(Industry)
        auditlog.register(Visit)
        auditlog.register(HospitalityEntry)
        auditlog.register(Promise)
