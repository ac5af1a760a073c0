"""The administrators' pages of pools (issue 17): the list (pool managers read it), adding
and changing a pool with its people and rules of its own, and deleting one, whose
customers go to the company pool."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from audit.models import Action, AuditEntry
from customers.models import Customer, OwnershipEvent, Pool
from customers.services import ownership
from customers.services.pools import save_pool
from customers.testing import CustomerFactory

pytestmark = pytest.mark.django_db


def form(**values):
    """A pool's form as the page posts it: the rule fields the company pool has by default."""
    return {"name": "East", "warning_days": "3", "exempt_contracted": "on", **values}


@pytest.fixture
def east(company):
    pool = save_pool(
        company.admin,
        None,
        {"name": "East"},
        {"members": [company.rep], "departments": [company.sales], "managers": [company.manager]},
    )
    CustomerFactory(name="East One", pool=pool)
    CustomerFactory(name="East Two", pool=pool)
    return pool


# ------------------------------------------------------------------- the list


def test_an_administrator_lists_the_pools_with_their_counts(company, browser, east):
    CustomerFactory(name="Company One")
    ownership.delete(company.marketer, [Customer.objects.get(name="East Two").pk])
    page = browser(company.admin).get("/pools/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="company-pool"' in html and 'href="/pool/rules/"' in html
    assert f'<td class="text-end" data-testid="customers-{east.pk}">1</td>' in html
    assert '<td class="text-end" data-testid="customers-company">1</td>' in html
    assert "1 person, 1 department" in html and "Manager Ma" in html
    assert 'data-testid="new-pool"' in html and f'href="/pools/{east.pk}/delete/"' in html


def test_the_list_reads_the_same_queries_for_any_number_of_pools(company, browser, east):
    client = browser(company.admin)
    client.get("/pools/")  # the first request of a session reads more
    with CaptureQueriesContext(connection) as one_pool:
        client.get("/pools/")
    for name in ("West", "North", "South"):
        save_pool(company.admin, None, {"name": name}, {"managers": [company.deputy]})
    with CaptureQueriesContext(connection) as four_pools:
        assert "South" in client.get("/pools/").content.decode()
    assert len(four_pools) == len(one_pool)


def test_a_pool_manager_reads_the_list_without_buttons_and_may_not_change(company, browser, east):
    client = browser(company.marketer)
    html = client.get("/pools/").content.decode()
    assert 'data-testid="read-only"' in html and "East" in html
    assert 'data-testid="new-pool"' not in html and "/pools/new/" not in html
    assert f"/pools/{east.pk}/" not in html
    assert client.get("/pools/new/").status_code == 403
    assert client.post("/pools/new/", form(name="Mine")).status_code == 403
    assert client.post(f"/pools/{east.pk}/", form(name="Renamed")).status_code == 403
    assert client.post(f"/pools/{east.pk}/delete/").status_code == 403
    assert list(Pool.objects.values_list("name", flat=True)) == ["East"]
    assert AuditEntry.objects.filter(action=Action.REFUSED, actor=company.marketer).count() == 4


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_others_cannot_open_the_pools(company, browser, east, who):
    client = browser(getattr(company, who))
    assert client.get("/pools/").status_code == 403
    assert client.get(f"/pools/{east.pk}/").status_code == 403
    assert client.post(f"/pools/{east.pk}/delete/").status_code == 403
    assert Pool.objects.filter(pk=east.pk).exists()


def test_the_rules_page_and_the_settings_link_to_the_pools(company, browser):
    client = browser(company.admin)
    assert 'href="/pools/"' in client.get("/pool/rules/").content.decode()
    assert 'href="/pools/"' in client.get("/settings/").content.decode()


# ------------------------------------------------------------------- adding and changing


def test_an_administrator_adds_a_pool_with_its_people_and_rules(company, browser):
    client = browser(company.admin)
    page = client.get("/pools/new/").content.decode()
    assert 'data-testid="picker-members"' in page and 'data-testid="own-rules"' in page
    assert f'<option value="{company.rep.pk}">Rep Li</option>' in page
    assert f'value="{company.admin.pk}"' not in page  # administrators keep the system
    response = client.post(
        "/pools/new/",
        form(
            name=" West ",
            members=[company.rep.pk, company.junior.pk],
            departments=[company.support.pk],
            managers=[company.manager.pk],
            own_rules="on",
            owner_limit="20",
            no_contact_days="",
        ),
        follow=True,
    )
    assert response.redirect_chain == [("/pools/", 302)]
    assert "The pool West is added." in response.content.decode()
    pool = Pool.objects.get()
    assert pool.name == "West" and pool.own_rules and pool.owner_limit == 20
    assert pool.no_contact_days is None  # empty: off
    assert set(pool.members.all()) == {company.rep, company.junior}
    assert list(pool.departments.all()) == [company.support]
    assert list(pool.managers.all()) == [company.manager]
    entry = AuditEntry.objects.get(action=Action.CREATE, object_type="customers.pool")
    assert entry.actor == company.admin and entry.object_id == str(pool.pk)
    assert entry.changes["managers"] == [None, "Manager Ma"]


def test_an_administrator_changes_a_pool(company, browser, east):
    client = browser(company.admin)
    page = client.get(f"/pools/{east.pk}/").content.decode()
    assert f'<option value="{company.rep.pk}" selected>Rep Li</option>' in page
    response = client.post(
        f"/pools/{east.pk}/",
        form(name="East Coast", members=[company.peer.pk], managers=[company.deputy.pk]),
    )
    assert response.status_code == 302 and response["Location"] == "/pools/"
    east.refresh_from_db()
    assert east.name == "East Coast" and not east.own_rules
    assert list(east.members.all()) == [company.peer]
    assert not east.departments.exists() and list(east.managers.all()) == [company.deputy]
    entry = AuditEntry.objects.get(action=Action.UPDATE, object_type="customers.pool")
    assert entry.changes["name"] == ["East", "East Coast"]
    assert "The pool East Coast is saved." in client.get("/pools/").content.decode()


def test_a_deactivated_member_is_kept_and_named_so(company, browser, east):
    company.rep.is_active = False
    company.rep.save()
    page = browser(company.admin).get(f"/pools/{east.pk}/").content.decode()
    assert f'<option value="{company.rep.pk}" selected>Rep Li (deactivated)</option>' in page


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"name": "East"}, "name"),  # taken
        ({"name": "x" * 101}, "name"),
        ({"name": "  "}, "name"),
        ({"members": ["999999"]}, "members"),
        ({"managers": ["nobody"]}, "managers"),
        ({"owner_limit": "0"}, "owner_limit"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(company, browser, east, bad, field):
    client = browser(company.admin)
    entries = AuditEntry.objects.count()
    response = client.post("/pools/new/", form(**{"name": "West", **bad}))
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert list(Pool.objects.values_list("name", flat=True)) == ["East"]
    assert AuditEntry.objects.count() == entries


def test_a_name_taken_is_refused_on_a_change_too(company, browser, east):
    west = save_pool(company.admin, None, {"name": "West"}, {})
    response = browser(company.admin).post(f"/pools/{west.pk}/", form(name="East"))
    html = response.content.decode()
    assert response.status_code == 400 and "There is already a pool named" in html
    assert "<h1>" in html and "West</h1>" in html  # the page names the pool as saved
    west.refresh_from_db()
    assert west.name == "West"


def test_an_unknown_pool_is_not_found(company, browser):
    client = browser(company.admin)
    assert client.get("/pools/999999/").status_code == 404
    assert client.post("/pools/999999/", form()).status_code == 404
    assert client.get("/pools/999999/delete/").status_code == 404
    assert client.post("/pools/999999/delete/").status_code == 404


# ------------------------------------------------------------------- deleting


def test_deleting_a_pool_moves_its_customers_to_the_company_pool(company, browser, east):
    ids = sorted(Customer.objects.filter(pool=east).values_list("pk", flat=True))
    ownership.claim(company.rep, ids[:1])
    client = browser(company.admin)
    page = client.get(f"/pools/{east.pk}/delete/").content.decode()
    assert "2 customers of this pool will move to the company pool" in page
    response = client.post(f"/pools/{east.pk}/delete/", follow=True)
    assert response.redirect_chain == [("/pools/", 302)]
    assert "Pool East deleted; 2 customers moved to the company pool." in (
        response.content.decode()
    )
    assert not Pool.objects.exists()
    assert list(Customer.objects.filter(pk__in=ids).values_list("pool_id", flat=True)) == [
        None,
        None,
    ]
    assert Customer.objects.get(pk=ids[0]).owner == company.rep  # the owner keeps it
    moves = OwnershipEvent.objects.filter(action="move", customer_id__in=ids)
    assert sorted(moves.values_list("customer_id", flat=True)) == ids
    assert AuditEntry.objects.filter(action=Action.DELETE, object_type="customers.pool").exists()


# ------------------------------------------------------------------- Chinese


def test_the_pages_render_in_chinese(company, browser, east):
    client = browser(company.admin)
    with override("zh-hans"):
        for url in ("/pools/", "/pools/new/", f"/pools/{east.pk}/", f"/pools/{east.pk}/delete/"):
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert response.status_code == 200, url
            assert '<html lang="zh-hans"' in response.content.decode(), url
        assert (
            "客户池规则" in client.get("/pools/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        )
