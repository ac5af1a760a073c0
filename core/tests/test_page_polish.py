"""What every page shares (issue 15): a favicon, a language switch that names each language
in itself, forms whose selects are as tall as their inputs and whose errors name their
fields, and form pages that come back at 200 with their errors."""

import re

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils import translation

from core.forms import StyledFormMixin, joined, named_errors

ZH, EN = "zh-hans", "en"


def page(client, url, language):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.mark.django_db
def test_every_page_links_a_favicon_that_is_served(client):
    """Without a <link rel=icon> the browser asked for /favicon.ico: a 404 and an error in
    its console on every page."""
    url = static("app/favicon.svg")
    assert f'<link rel="icon" href="{url}" type="image/svg+xml">' in page(client, "/login/", EN)
    answer = client.get(url)
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert body.lstrip().startswith(b"<svg") and finders.find("app/favicon.svg")


@pytest.mark.django_db
@pytest.mark.parametrize("language", [EN, ZH])
def test_the_language_switch_names_each_language_in_itself(client, language):
    html = page(client, "/login/", language)
    switch = re.search(r'<select name="language".*?</select>', html, re.S).group(0)
    option = r'<option value="([^"]+)" lang="[^"]+"( selected)?>([^<]+)</option>'
    options = re.findall(option, switch)
    assert [(code, label) for code, _selected, label in options] == [
        ("en", "English"),
        ("zh-hans", "简体中文"),
    ]
    assert [code for code, selected, _label in options if selected] == [language]


@pytest.mark.django_db
def test_the_language_switch_is_told_to_keep_the_address(client):
    """app.js puts the address shown now (HTMX may have changed it) into `next`."""
    html = page(client, "/login/?next=/pool/%3Fsearch%3Dx", EN)
    assert re.search(r'<input name="next" type="hidden" value="[^"]*" data-current-address>', html)


class Sample(StyledFormMixin, forms.Form):
    name = forms.CharField(label="Name")
    size = forms.ChoiceField(label="Size", choices=[("", "---------"), ("s", "Small")])
    kind = forms.ChoiceField(label="Kind", choices=[("", "Pick one"), ("a", "A")])
    owner = forms.ModelChoiceField(label="Owner", queryset=None, required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        from org.models import User

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.none()


@pytest.mark.django_db
def test_selects_are_as_small_as_inputs_and_their_empty_choice_says_choose():
    """A select beside an input was taller (form-select with form-control-sm, which does
    nothing to a select), and its empty choice read "---------"."""
    html = str(Sample())
    assert 'class="form-select form-select-sm"' in html
    assert 'class="form-control form-control-sm"' in html
    assert "form-control-sm form-select" not in html and "form-select form-control" not in html
    assert "---------" not in html
    assert html.count("— choose —") == 2  # size and owner; kind says what to do itself
    assert "Pick one" in html


@pytest.mark.django_db
def test_form_errors_away_from_the_fields_name_them():
    """The contact tab said "This field is required. This field is required." without
    saying which fields."""
    form = Sample({"size": "nope"})
    with translation.override(EN):
        message = named_errors(form)
    assert message.startswith("Name: This field is required. Size: Select a valid choice.")
    assert "Kind: This field is required." in message


def test_chinese_sentences_are_joined_without_a_space_latin_ones_with_one():
    assert joined(["名称：该字段是必填项。", "邮箱：请输入合法的邮件地址。"]) == (
        "名称：该字段是必填项。邮箱：请输入合法的邮件地址。"
    )
    assert joined(["Name: required.", "Email: invalid."]) == "Name: required. Email: invalid."
