import fcntl
import tempfile
from pathlib import Path

import pytest

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def rq_backend(settings):
    """Jobs in database 15 of the Redis at 127.0.0.1:6379, emptied before and after, this
    test's alone until it ends (the lock transfers' RQ test takes too); skipped only when
    no Redis answers there."""
    from redis import Redis
    from redis.exceptions import ConnectionError, TimeoutError

    redis = Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=10)
    try:
        redis.ping()
    except (ConnectionError, TimeoutError) as error:
        pytest.skip(f"no Redis answers at 127.0.0.1:6379 ({error}): RQ is not tested")
    settings.TASKS_BACKEND = "rq"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
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
