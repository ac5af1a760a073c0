"""Test helpers more than one app's tests need: this test's database named for a process
of its own (a server or a worker the test starts), and the Redis database the RQ tests
share."""

import contextlib
import fcntl
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

REDIS_URL = "redis://127.0.0.1:6379/15"


def database_url(host=None, port=None):
    """This test's database, for a process of its own (PostgreSQL through `host`:`port`
    when given)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = host or db["HOST"] or "127.0.0.1"
    return f"postgres://{user}@{host}:{port or db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def exclusive_redis(what):
    """Database 15 of the Redis at 127.0.0.1:6379, empty, the caller's alone until it ends
    (another test run's worker would take its jobs); the test is skipped, saying `what` is
    not tested, only when no Redis answers there."""
    from redis import Redis
    from redis.exceptions import ConnectionError, TimeoutError

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=10)
    try:
        redis.ping()
    except (ConnectionError, TimeoutError) as error:
        pytest.skip(f"no Redis answers at 127.0.0.1:6379 ({error}): {what} is not tested")
    with open(Path(tempfile.gettempdir()) / "poolcrm-test-redis-15.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        others = [key for key in redis.scan_iter(count=1000) if not key.startswith(b"rq:")]
        assert not others, f"Redis database 15 holds keys not RQ's, e.g. {others[:3]}: not emptied"
        redis.flushdb()
        try:
            yield redis
        finally:
            redis.flushdb()
            redis.close()
