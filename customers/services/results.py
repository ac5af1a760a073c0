from dataclasses import dataclass, field

from core.errors import NotAllowed, NotVisible, ServiceError

__all__ = ["BatchResult", "NotAllowed", "NotVisible", "ServiceError"]


@dataclass
class BatchResult:
    """What a batch action did, per record (SPEC L7)."""

    done: list = field(default_factory=list)
    refused: list = field(default_factory=list)

    def refuse(self, customer_id, name, reason):
        self.refused.append({"id": customer_id, "name": name, "reason": str(reason)})

    def as_dict(self):
        return {"done": self.done, "refused": self.refused}
