"""One date format everywhere, in each language (issue 11): a date or a time shown without a
format of its own reads as the explicitly formatted ones do."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_and_times_read_alike_in_each_language(language):
    moment = datetime(2026, 11, 29, 1, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Shanghai
    source = "{{ day }}|{{ moment }}|{{ day|date }}|{{ moment|date:'SHORT_DATETIME_FORMAT' }}"
    with translation.override(language):
        shown = Template(source).render(Context({"day": date(2026, 11, 29), "moment": moment}))
    assert shown == "2026-11-29|2026-11-29 09:30|2026-11-29|2026-11-29 09:30"
