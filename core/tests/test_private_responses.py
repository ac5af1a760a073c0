"""What is answered to a signed-in person is kept by no browser or proxy on the way
(core.middleware.PrivateResponsesMiddleware): pages, the API and exports."""

import pytest

from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    ["/home/", "/reports/", "/mine/", "/api/dashboard/", "/api/mine/", "/api/mine/export/"],
)
def test_a_signed_in_persons_answers_are_not_kept(client, company, path):
    CustomerFactory(name="Acme", owner=company.rep)
    client.force_login(company.rep)
    response = client.get(path)
    assert response.status_code == 200, path
    control = response["Cache-Control"]
    assert "no-store" in control and "private" in control
