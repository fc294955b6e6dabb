"""Pages and their forms, discovered from the access table's GET pages (no list to keep up)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve


@dataclass
class Field:
    name: str
    kind: str  # input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False  # a checkbox or radio button ticked as the page is drawn


@dataclass
class Form:
    method: str
    action: str
    fields: list[Field] = field(default_factory=list)
    enctype: str = ""

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def names(self) -> set[str]:
        return {f.name for f in self.fields}


class FormParser(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(
                method=(a.get("method") or "get").lower(),
                action=a.get("action") or self.page_url,
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
        if self._form is None or "name" not in a:
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
                if "selected" in a:
                    self._select.value = a.get("value", "")
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset"}:
                return
            # A box without a value attribute is sent as "on".
            default = "on" if kind in {"checkbox", "radio"} else ""
            self._form.fields.append(
                Field(a["name"], kind, a.get("value", default), checked="checked" in a)
            )
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def as_sent(form: Form) -> dict[str, str | list[str]]:
    """What a browser sends for the form as drawn: its values, ticked boxes, chosen options."""
    data: dict[str, str | list[str]] = {}
    for f in form.fields:
        if f.kind == "file":
            continue
        if f.kind in {"checkbox", "radio"}:
            if f.checked:
                data.setdefault(f.name, []).append(f.value)  # type: ignore[union-attr]
        elif f.kind == "select" and f.name not in data:
            data[f.name] = f.value or (f.options[0] if f.options else "")
        else:
            data[f.name] = f.value
    return data


def post_as_drawn(client, url: str):
    """Get the page at `url` and send its form (the one posting back to `url`) untouched,
    as a person who changed nothing and pressed save."""
    page = client.get(url)
    drawn = next(
        f
        for f in forms_on(page.text, url)
        if f.method == "post" and urlsplit(f.action).path == urlsplit(url).path
    )
    return client.post(url, as_sent(drawn))


def forms_on(html: str, page_url: str) -> list[Form]:
    parser = FormParser(page_url)
    parser.feed(html)
    return parser.forms


def url_name_of(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name
