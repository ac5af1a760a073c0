from .contact import Contact, SocialRelation
from .customer import DICTIONARY_FIELDS, Customer
from .events import OwnershipEvent
from .pool import Pool
from .pool_views import PoolCardView
from .search import ContactNameGram, CustomerNameGram
from .share import Share

__all__ = [
    "DICTIONARY_FIELDS",
    "Contact",
    "ContactNameGram",
    "Customer",
    "CustomerNameGram",
    "OwnershipEvent",
    "Pool",
    "PoolCardView",
    "Share",
    "SocialRelation",
]
