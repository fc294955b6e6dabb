from django.apps import AppConfig


class ContribAppConfig(AppConfig):
    """An app that exists only in tests: it contributes to shared screens like any app."""

    name = "tests.contrib_app"
    label = "contrib_app"
