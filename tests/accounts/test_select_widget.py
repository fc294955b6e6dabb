"""The project's select template (templates/django/forms/widgets/select.html) writes each
option in place instead of including a template per option: whatever the choices, groups,
selection and attributes, its HTML is Django's own, character for character."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from hypothesis import given, settings
from hypothesis import strategies as st

DJANGOS_OWN = DjangoTemplates()  # Django's bundled form templates only, not the project's

LABEL = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(["", "<b>&\"'", "一、寻找和选择客户", "0", "None"])
VALUE = st.one_of(st.integers(-5, 50), st.sampled_from(["", "a b", "<x>", "客户", "0"]))
OPTIONS = st.lists(st.tuples(VALUE, LABEL), max_size=6)
CHOICES = st.lists(st.one_of(st.tuples(VALUE, LABEL), st.tuples(LABEL, OPTIONS)), max_size=6)
ATTRS = st.dictionaries(
    st.sampled_from(["id", "class", "hx-get", "required", "disabled", "data-x"]),
    st.one_of(st.booleans(), LABEL),
    max_size=3,
)


def _both(widget: forms.Widget, value, attrs) -> tuple[str, str]:
    ours = widget.render("field", value, attrs, renderer=get_default_renderer())
    djangos = widget.render("field", value, attrs, renderer=DJANGOS_OWN)
    return ours, djangos


@settings(max_examples=150, deadline=None)
@given(choices=CHOICES, attrs=ATTRS, data=st.data())
def test_a_select_renders_exactly_as_djangos(choices, attrs, data):
    values = [v for v, _l in choices if not isinstance(_l, list)]
    value = data.draw(st.sampled_from([None, "", *values]))
    ours, djangos = _both(forms.Select(choices=choices), value, attrs)
    assert ours == djangos


@settings(max_examples=100, deadline=None)
@given(choices=CHOICES, attrs=ATTRS, data=st.data())
def test_a_multiple_select_renders_exactly_as_djangos(choices, attrs, data):
    values = [v for v, _l in choices if not isinstance(_l, list)]
    selected = data.draw(st.lists(st.sampled_from(values), max_size=3)) if values else []
    ours, djangos = _both(forms.SelectMultiple(choices=choices), selected, attrs)
    assert ours == djangos


def test_a_select_whose_options_have_their_own_template_still_uses_it(tmp_path, settings):
    class Starred(forms.Select):
        option_template_name = "starred_option.html"

    (tmp_path / "starred_option.html").write_text("<option>★ {{ widget.label }}</option>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    html = Starred(choices=[(1, "甲"), (2, "乙")]).render("f", 1, renderer=get_default_renderer())
    assert "<option>★ 甲</option>" in html and "<option>★ 乙</option>" in html


def test_the_project_renderer_uses_the_written_out_options():
    """Without this, the test above would compare Django's template with itself."""
    from django.template.loader import get_template

    origin = get_template("django/forms/widgets/select.html").origin.name
    assert "/templates/django/forms/widgets/select.html" in origin
    assert "site-packages" not in origin
