from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Django's empty choice, "---------", says nothing to a person: a form's select reads this.
CHOOSE = _("— choose —")
DASHES = BLANK_CHOICE_DASH[0][1]


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates can render fields as they are: the
    small size of both inputs and selects (a select beside an input is as tall as it), and
    a select's empty choice that reads "— choose —"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select form-select-sm"
            if not isinstance(widget, forms.Select):
                css = "form-control form-control-sm"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            name_the_empty_choice(field)


def name_the_empty_choice(field):
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label is not None:
            field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField):
        field.choices = [
            (value, CHOOSE if value == "" and label == DASHES else label)
            for value, label in field.choices
        ]


def add_service_error(form, error):
    """A service's refusal (core.errors.ServiceError) shown on `form`: beside the field it
    names, when the form has that field, else above the fields."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def named_errors(*forms):
    """Every error of `forms` in one sentence that names each field it is about ("Name:
    This field is required."), for a message shown away from the fields themselves."""
    parts = []
    for form in forms:
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            for error in errors:
                if field is None:
                    parts.append(error)
                else:
                    label = field.label or name
                    parts.append(gettext("%(field)s: %(error)s") % {"field": label, "error": error})
    return joined(parts)


def joined(sentences):
    """Sentences one after the other: a space after a Latin full stop, none after a
    Chinese one (its full-width "。" carries its own space)."""
    text = ""
    for sentence in sentences:
        if text and not text.endswith(FULL_WIDTH_ENDS):
            text += " "
        text += str(sentence)
    return text


FULL_WIDTH_ENDS = ("。", "！", "？", "；", "）")
