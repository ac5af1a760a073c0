import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_pages_use_the_users_time_zone(company, client):
    seen = {}

    def record_zone(request):
        seen["zone"] = timezone.get_current_timezone_name()

    from core.middleware import UserTimeZoneMiddleware

    company.rep.time_zone = "Europe/Berlin"
    company.rep.save()
    request = type("Request", (), {"user": company.rep})()
    UserTimeZoneMiddleware(record_zone)(request)
    assert seen["zone"] == "Europe/Berlin"
    request.user = company.deputy
    UserTimeZoneMiddleware(record_zone)(request)
    assert seen["zone"] == "Asia/Shanghai"


def test_an_unknown_time_zone_is_refused(company, api):
    answer = api(company.admin).patch(f"/api/users/{company.rep.pk}/", {"time_zone": "Mars/Base"})
    assert answer.status_code == 400
    assert "Mars/Base" in answer.json()["detail"]
