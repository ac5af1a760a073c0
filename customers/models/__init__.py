from .contact import Contact, SocialRelation
from .customer import Customer
from .events import OwnershipEvent
from .share import Share

__all__ = ["Contact", "Customer", "OwnershipEvent", "Share", "SocialRelation"]
