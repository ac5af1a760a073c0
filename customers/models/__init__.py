from .contact import Contact, SocialRelation
from .customer import Customer
from .events import OwnershipEvent
from .search import ContactNameGram, CustomerNameGram
from .share import Share

__all__ = [
    "Contact",
    "ContactNameGram",
    "Customer",
    "CustomerNameGram",
    "OwnershipEvent",
    "Share",
    "SocialRelation",
]
