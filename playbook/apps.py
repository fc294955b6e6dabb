from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_search_index(sender, using: str = "default", **kwargs) -> None:
    from playbook.search_index import install

    connection = connections[using]
    if "playbook_entry" in connection.introspection.table_names():
        install(connection)


class PlaybookConfig(AppConfig):
    name = "playbook"
    verbose_name = _("Playbook")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from playbook import models

        auditlog.register(models.Part)
        auditlog.register(models.Chapter)
        auditlog.register(models.Section)
        auditlog.register(models.Topic)
        auditlog.register(
            models.Entry,
            exclude_fields=["question_words", "answer_words", "search_vector", "version"],
            m2m_fields={"topics"},
        )
        auditlog.register(models.Synonym)
        auditlog.register(models.EntryFlag)
        auditlog.register(models.ReadingAssignment, m2m_fields={"entries"})
        # A later migration that rebuilds playbook_entry on SQLite drops its triggers.
        post_migrate.connect(_ensure_search_index, sender=self)
