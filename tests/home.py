"""The home as a person sees it once loaded: the page with every panel it loads after
itself (accounts.contributions.Panel.loaded_after) filled in, as htmx does."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from accounts.contributions import LOADED_AFTER_TEMPLATE

LOADED_AFTER = re.compile(
    r'<section class="panel panel-loaded-after" hx-get="(?P<url>[^"]+)".*?</section>', re.S
)


@dataclass
class LoadedHome:
    text: str
    panels: list


def loaded_home(client: Client) -> LoadedHome:
    home = client.get(reverse("home"))
    assert home.status_code == 200
    panels, text = [], home.text
    for panel in home.context["panels"]:
        if panel.template != LOADED_AFTER_TEMPLATE:
            panels.append(panel)
            continue
        part = client.get(panel.context["url"], headers={"HX-Request": "true"})
        assert part.status_code == 200
        panels.extend(part.context["panels"])
        text = LOADED_AFTER.sub(
            lambda m, part=part, url=panel.context["url"]: (
                part.text if html.unescape(m["url"]) == url else m[0]
            ),
            text,
            count=0,
        )
    return LoadedHome(text=text, panels=panels)
