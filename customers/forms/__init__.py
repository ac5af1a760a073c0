from .batch import BatchForm
from .history import HistoryQueryForm
from .records import ContactForm, CustomerForm, PoolCustomerForm, RelationForm, ShareForm

__all__ = [
    "BatchForm",
    "ContactForm",
    "CustomerForm",
    "HistoryQueryForm",
    "PoolCustomerForm",
    "RelationForm",
    "ShareForm",
]
