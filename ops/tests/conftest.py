import pytest

from core.testing import REDIS_URL, exclusive_redis


@pytest.fixture
def rq_backend(settings):
    """Jobs in the RQ tests' Redis database, this test's alone until it ends."""
    settings.TASKS_BACKEND = "rq"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    with exclusive_redis("RQ") as redis:
        yield redis
