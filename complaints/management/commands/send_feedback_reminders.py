"""Every morning (see README for the cron line): remind each person of the clients who
must hear from us today. Safe to run twice, or on two hosts at once."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from complaints.reminders import sweep


class Command(BaseCommand):
    help = "Email and notify each handler (and supervisor, for escalations) of cases due today."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="Prefix for links in the emails, e.g. https://workbench.bank.example",
        )

    def handle(self, *args, **options) -> None:
        started = time.perf_counter()
        report = sweep(timezone.now(), base_url=options["base_url"].rstrip("/"))
        for person, why in report.failures:
            self.stderr.write(f"Not sent to {person}: {why}")
        self.stdout.write(
            f"{report.created} new reminder(s), {report.emails_sent} email(s) sent, "
            f"{len(report.failures)} failure(s), {time.perf_counter() - started:.2f} s."
        )
