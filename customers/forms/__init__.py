from .batch import BatchForm
from .records import ContactForm, CustomerForm, RelationForm, ShareForm

__all__ = ["BatchForm", "ContactForm", "CustomerForm", "RelationForm", "ShareForm"]
