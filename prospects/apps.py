from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProspectsConfig(AppConfig):
    name = "prospects"
    verbose_name = _("Prospects")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from prospects.models import (
            Attachment,
            CompetingOffer,
            Handover,
            HospitalityEntry,
            ImportBatch,
            Industry,
            Promise,
            Prospect,
            ProspectExport,
            Territory,
            Visit,
        )

        def untracked(model, *fields: str) -> list[str]:
            # auditlog 3 diffs reverse relations too ("visits: None → prospects.Visit.None");
            # the id and creation time say nothing the entry's own timestamp does not.
            reverse = [
                f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete
            ]
            return [*reverse, "id", "created_at", *fields]

        auditlog.register(
            Prospect,
            exclude_fields=untracked(Prospect, "name_key", "phone_key", "updated_at", "version"),
        )
        auditlog.register(Territory, m2m_fields={"managers"}, exclude_fields=untracked(Territory))
        auditlog.register(Industry, exclude_fields=untracked(Industry))
        auditlog.register(Visit, exclude_fields=untracked(Visit, "owner"))
        auditlog.register(HospitalityEntry, exclude_fields=untracked(HospitalityEntry, "owner"))
        auditlog.register(Promise, exclude_fields=untracked(Promise, "owner"))
        # Who uploaded which list and when it was imported; the file's bytes are not copied.
        auditlog.register(ImportBatch, exclude_fields=untracked(ImportBatch, "data"))
        auditlog.register(CompetingOffer, exclude_fields=untracked(CompetingOffer))
        auditlog.register(Attachment, exclude_fields=untracked(Attachment))
        auditlog.register(Handover, exclude_fields=untracked(Handover))
        # Who took which clients' data out, when; the progress counter is not a change.
        auditlog.register(ProspectExport, exclude_fields=untracked(ProspectExport, "written_rows"))
