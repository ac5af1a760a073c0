from .contact import Contact, SocialRelation
from .customer import DICTIONARY_FIELDS, Customer
from .events import OwnershipEvent
from .search import ContactNameGram, CustomerNameGram
from .share import Share

__all__ = [
    "DICTIONARY_FIELDS",
    "Contact",
    "ContactNameGram",
    "Customer",
    "CustomerNameGram",
    "OwnershipEvent",
    "Share",
    "SocialRelation",
]
