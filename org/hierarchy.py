"""The supervisor tree (SPEC O1): subordinates are transitive."""

from .models import User


def subordinate_ids(user) -> set[int]:
    """Ids of everyone below `user`, at any depth. One query per level; trees are shallow."""
    cache = getattr(user, "_subordinate_ids", None)
    if cache is not None:
        return cache
    found: set[int] = set()
    frontier = [user.pk]
    while frontier:
        below = set(User.objects.filter(supervisor_id__in=frontier).values_list("id", flat=True))
        below -= found | {user.pk}
        found |= below
        frontier = list(below)
    user._subordinate_ids = found
    return found


def is_supervisor_of(user, other_id) -> bool:
    return other_id is not None and other_id in subordinate_ids(user)


def would_create_cycle(user_id, supervisor) -> bool:
    """True when making `supervisor` the supervisor of `user_id` closes a loop."""
    seen = set()
    node = supervisor
    while node is not None and node.pk not in seen:
        if node.pk == user_id:
            return True
        seen.add(node.pk)
        node = node.supervisor
    return False
