"""Logging filters."""

from __future__ import annotations

import logging


class OneLine(logging.Filter):
    """Drop the traceback: the message alone says what happened (e.g. a foreign Host header)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
