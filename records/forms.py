from django import forms

from core.forms import StyledFormMixin


class RecordForm(StyledFormMixin, forms.ModelForm):
    """A module's form on the generic new/edit pages. A form that carries more than its
    own fields (a quote's lines) checks them in is_valid(), hands them to the service in
    service_data() and shows them with `extra_template`, included below the fields."""

    extra_template = None

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer

    def service_data(self):
        """What the module's service is given to create or change the row."""
        return dict(self.cleaned_data)
