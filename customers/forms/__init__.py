from .batch import BatchForm
from .records import ContactForm, CustomerForm, PoolCustomerForm, RelationForm, ShareForm

__all__ = [
    "BatchForm",
    "ContactForm",
    "CustomerForm",
    "PoolCustomerForm",
    "RelationForm",
    "ShareForm",
]
