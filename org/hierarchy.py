"""The supervisor tree (SPEC O1): subordinates are transitive."""

from django.db import connections

from .models import User


def subordinate_ids(user) -> set[int]:
    """Ids of everyone below `user`, at any depth, in one recursive query (UNION, not
    UNION ALL: a loop in the tree, which the services refuse to make, would still end)."""
    cache = getattr(user, "_subordinate_ids", None)
    if cache is not None:
        return cache
    meta = User._meta
    connection = connections[User.objects.db]
    table = connection.ops.quote_name(meta.db_table)
    key = connection.ops.quote_name(meta.pk.column)
    up = connection.ops.quote_name(meta.get_field("supervisor").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE below (id) AS ("
            f"SELECT {key} FROM {table} WHERE {up} = %s "
            f"UNION SELECT u.{key} FROM {table} u JOIN below ON u.{up} = below.id"
            f") SELECT id FROM below",
            [user.pk],
        )
        found = {row[0] for row in cursor.fetchall()} - {user.pk}
    user._subordinate_ids = found
    return found


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
