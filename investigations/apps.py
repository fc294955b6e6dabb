from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestigationsConfig(AppConfig):
    name = "investigations"
    verbose_name = _("Loan investigations")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from investigations.models import (
            ChecklistItem,
            Collateral,
            EvidenceFile,
            Guarantor,
            Investigation,
            InvestigationEvent,
            ReviewComment,
            SideInquiry,
        )

        def untracked(model, *fields: str) -> list[str]:
            # As prospects: reverse relations and ids say nothing the entry does not.
            reverse = [
                f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete
            ]
            return [*reverse, "id", *fields]

        # The version only guards against stale pages; its bumps are not changes to read.
        auditlog.register(
            Investigation, exclude_fields=untracked(Investigation, "version", "updated_at")
        )
        auditlog.register(ChecklistItem, exclude_fields=untracked(ChecklistItem))
        auditlog.register(Guarantor, exclude_fields=untracked(Guarantor))
        auditlog.register(Collateral, exclude_fields=untracked(Collateral))
        auditlog.register(SideInquiry, exclude_fields=untracked(SideInquiry))
        auditlog.register(EvidenceFile, exclude_fields=untracked(EvidenceFile, "stored_name"))
        auditlog.register(InvestigationEvent, exclude_fields=untracked(InvestigationEvent))
        auditlog.register(ReviewComment, exclude_fields=untracked(ReviewComment))
