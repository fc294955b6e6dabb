"""One date format in every page, list, export and message, in each language: the bank's
own ISO dates (2026-11-29, 2026-11-29 09:30), never Django's 2026年11月29日 in one place
and 2026-11-29 in another. Django's own formats fill in the rest (input formats, numbers)."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y-m"
