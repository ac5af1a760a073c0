import re

import pytest

from customers.models import Customer, OwnershipEvent

pytestmark = pytest.mark.django_db


def test_create_claim_and_see_in_mine(company, api):
    rep = api(company.rep)
    created = rep.post("/api/pool/", {"name": "北京华为技术有限公司", "phone": "123"})
    assert created.status_code == 201, created.content
    assert set(created.json()) == {
        "id",
        "name",
        "category",
        "industry",
        "region",
        "status",
        "owner",
        "created_at",
    }
    cid = created.json()["id"]
    result = rep.post("/api/customers/claim/", {"ids": [cid, 999999]})
    assert result.status_code == 200
    assert result.json()["done"] == [cid]
    assert result.json()["refused"][0]["id"] == 999999
    mine = rep.get("/api/mine/").json()
    assert mine["count"] == 1 and mine["results"][0]["phone"] == "123"
    assert Customer.objects.get(pk=cid).owner == company.rep
    assert list(OwnershipEvent.objects.values_list("action", flat=True)) == ["create", "claim"]
    dup = rep.post("/api/pool/", {"name": "北京 华为技术 股份有限公司"})
    assert dup.status_code == 400
    assert "Rep Li" in dup.json()["detail"]


def test_schema_and_docs_served(company, api):
    assert api(company.rep).get("/api/schema/").status_code == 200
    assert api(company.rep).get("/api/docs/").status_code == 200


def test_docs_load_their_assets_locally(company, api):
    client = api(company.rep)
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets, "the docs page references its scripts and styles"
    for url in assets:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url
