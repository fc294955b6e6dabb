"""The same dates in English as in Chinese (see config/formats/zh_Hans/formats.py)."""

from config.formats.zh_Hans.formats import (  # noqa: F401
    DATE_FORMAT,
    DATETIME_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
