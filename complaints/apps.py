from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from complaints import checks  # noqa: F401  (registers the system checks)
        from complaints.models import Case, CaseEvent, FeedbackContact

        def untracked(model, *fields: str) -> list[str]:
            reverse = [
                f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete
            ]
            return [*reverse, "id", "created_at", *fields]

        # Every change to a case and its log is in the audit trail; reminders are a
        # delivery record, not a change of the case.
        auditlog.register(Case, exclude_fields=untracked(Case))
        auditlog.register(CaseEvent, exclude_fields=untracked(CaseEvent))
        auditlog.register(FeedbackContact, exclude_fields=untracked(FeedbackContact))
