from django import forms

from core.forms import StyledFormMixin

from .models import Attachment


class AttachmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["file"]

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
