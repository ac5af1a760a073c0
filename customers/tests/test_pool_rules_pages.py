"""The pool rules on the pages and in the API (issue 17): the rules page for administrators
(pool managers read it), the return dates on My customers and the customer page, locks
from the customer page and the shared list, and /api/pool-rules/."""

import datetime

import pytest
from django.utils import timezone
from django.utils.translation import override
from freezegun import freeze_time

from audit.models import Action, AuditEntry
from customers.models import Customer
from customers.services import ownership
from customers.services.pool_rules import save_pool_rules
from customers.testing import CustomerFactory
from settings_app.models import CategoryReturnRule, DictionaryItem, PoolRules

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
FORM = {"auto_return": "on", "no_contact_days": "30", "warning_days": "3"}


@pytest.fixture
def key_account():
    return DictionaryItem.objects.create(
        kind="category", name="Key account", name_zh_hans="重点客户"
    )


@pytest.fixture
def dated(company):
    """Rules on (30 days, warned 3 days before); three of the rep's customers: one due in
    2 days, one in 20, one locked."""
    save_pool_rules(company.admin, {"auto_return": True, "no_contact_days": 30})
    rows = [CustomerFactory(name=name) for name in ("Soon Ltd", "Later Ltd", "Locked Ltd")]
    # Claimed after the change, so dated by their claims, not by the re-dating job.
    ownership.claim(company.rep, [c.pk for c in rows])
    now = timezone.now()
    Customer.objects.filter(pk=rows[0].pk).update(returns_at=now + 2 * DAY - DAY / 24)
    Customer.objects.filter(pk=rows[1].pk).update(returns_at=now + 20 * DAY)
    ownership.lock(company.manager, [rows[2].pk])
    return rows


# ------------------------------------------------------------------- the rules page


def test_an_administrator_sets_the_rules_and_a_category_s_days(company, browser, key_account):
    client = browser(company.admin)
    page = client.get("/pool/rules/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="category-rules"' in html
    assert "Key account" in html and 'data-testid="read-only"' not in html
    field = f"category_{key_account.pk}_no_contact_days"
    response = client.post(
        "/pool/rules/", {**FORM, "owner_limit": "50", "cooldown_days": "7", field: "90"}
    )
    assert response.status_code == 302
    rules = PoolRules.load()
    assert (rules.auto_return, rules.no_contact_days, rules.owner_limit) == (True, 30, 50)
    assert rules.cooldown_days == 7 and rules.daily_claim_limit is None
    rule = CategoryReturnRule.objects.get(category=key_account)
    assert (rule.no_contact_days, rule.no_deal_days) == (90, None)
    assert "The pool rules are saved." in client.get("/pool/rules/").content.decode()


@pytest.mark.parametrize(
    "bad, field",
    [({"no_contact_days": "0"}, "no_contact_days"), ({"owner_limit": "lots"}, "owner_limit")],
)
def test_bad_numbers_are_explained_and_change_nothing(company, browser, bad, field):
    response = browser(company.admin).post("/pool/rules/", {**FORM, **bad})
    assert response.status_code == 400
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert not PoolRules.objects.exists()


def test_a_pool_manager_reads_the_rules_but_cannot_change_them(company, browser):
    client = browser(company.marketer)
    html = client.get("/pool/").content.decode()
    assert 'data-testid="pool-rules"' in html
    page = client.get("/pool/rules/").content.decode()
    assert 'data-testid="read-only"' in page and "<fieldset disabled>" in page
    assert client.post("/pool/rules/", FORM).status_code == 403
    assert not PoolRules.objects.exists()


@pytest.mark.parametrize("who", ["rep", "manager"])
def test_others_cannot_open_the_rules_page(company, browser, who):
    client = browser(getattr(company, who))
    assert client.get("/pool/rules/").status_code == 403
    assert 'data-testid="pool-rules"' not in client.get("/pool/").content.decode()


# ------------------------------------------------------------------- the dates


def test_my_customers_show_when_each_returns(company, browser, dated):
    html = browser(company.rep).get("/mine/").content.decode()
    assert "returns in 2 days" in html and 'data-testid="returns-soon"' in html
    later = timezone.localtime(Customer.objects.get(name="Later Ltd").returns_at)
    assert f'<span data-testid="returns-at">{later:%Y-%m-%d}</span>' in html
    assert 'data-testid="locked"' in html and 'data-testid="due-this-week"' in html
    with override("zh-hans"):
        chinese = browser(company.rep).get("/mine/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "2 天后退回" in chinese.content.decode()


def test_without_the_automatic_return_my_customers_show_no_dates(company, browser):
    ownership.claim(company.rep, [CustomerFactory(name="Acme").pk])
    html = browser(company.rep).get("/mine/").content.decode()
    assert "Returns to the pool" not in html and 'data-testid="due-this-week"' not in html


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_my_customers_sort_and_filter_by_the_date(company, api, dated):
    client = api(company.rep)
    soonest = client.get("/api/mine/", {"ordering": "returns_at"})
    assert names(soonest) == ["Soon Ltd", "Later Ltd", "Locked Ltd"]  # never returns: last
    assert soonest.json()["results"][0]["returns_at"] is not None
    latest = client.get("/api/mine/", {"ordering": "-returns_at"})
    assert names(latest) == ["Locked Ltd", "Later Ltd", "Soon Ltd"]
    week = (timezone.localdate() + 7 * DAY).isoformat()
    assert names(client.get("/api/mine/", {"returns_before": week})) == ["Soon Ltd"]
    bad = client.get("/api/mine/", {"returns_before": "soon"})
    assert bad.status_code == 400
    page = api(company.rep).get("/api/mine/", {"ordering": "returns_at", "page_size": 1})
    seen = []
    while True:
        seen += names(page)
        if not page.json()["next"]:
            break
        page = client.get(page.json()["next"])
    assert seen == ["Soon Ltd", "Later Ltd", "Locked Ltd"]


def test_the_customer_page_shows_the_date_and_offers_the_lock(company, browser, dated):
    soon = dated[0]
    owner_view = browser(company.rep).get(f"/customers/{soon.pk}/").content.decode()
    assert 'data-testid="fact-returns"' in owner_view and "returns in 2 days" in owner_view
    assert 'data-testid="lock"' not in owner_view  # the owner may not lock their own
    client = browser(company.manager)
    supervisor_view = client.get(f"/customers/{soon.pk}/").content.decode()
    assert 'data-testid="lock"' in supervisor_view
    response = client.post(
        "/customers/batch/", {"action": "lock", "ids": [soon.pk], "next": "/shared/"}
    )
    assert response.status_code == 303
    assert "Locked 1 customer" in client.get("/shared/").content.decode()
    after = client.get(f"/customers/{soon.pk}/").content.decode()
    assert 'data-testid="unlock"' in after and 'data-testid="locked"' in after
    assert Customer.objects.get(pk=soon.pk).locked_by_id == company.manager.pk


def test_the_shared_list_offers_locks_to_supervisors_only(company, browser, dated):
    assert 'value="lock"' in browser(company.manager).get("/shared/").content.decode()
    assert 'value="lock"' not in browser(company.peer).get("/shared/").content.decode()


# ------------------------------------------------------------------- the API


def test_everyone_reads_the_rules_and_administrators_change_them(company, api, key_account):
    body = api(company.rep).get("/api/pool-rules/").json()
    assert body["auto_return"] is False and body["no_contact_days"] == 30
    assert body["categories"] == []
    change = {
        "auto_return": True,
        "daily_claim_limit": 20,
        "categories": [{"category": key_account.pk, "no_contact_days": 90}],
    }
    assert api(company.rep).patch("/api/pool-rules/", change, format="json").status_code == 403
    assert not PoolRules.objects.exists()
    response = api(company.admin).patch("/api/pool-rules/", change, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["daily_claim_limit"] == 20 and body["auto_return"] is True
    assert body["categories"] == [
        {"category": key_account.pk, "no_contact_days": 90, "no_deal_days": None}
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"no_contact_days": 0},
        {"owner_limit": -1},
        {"warning_days": "soon"},
        {"categories": [{"category": 999999}]},
        {"categories": [{"category": "x", "no_contact_days": 5}]},
        {"categories": [{"category": "KEY"}, {"category": "KEY"}]},
    ],
    ids=str,
)
def test_the_api_refuses_bad_rules_and_changes_nothing(company, api, key_account, body):
    if "categories" in body:
        body = {
            "categories": [
                {**row, "category": key_account.pk} if row["category"] == "KEY" else row
                for row in body["categories"]
            ]
        }
    response = api(company.admin).patch("/api/pool-rules/", body, format="json")
    assert response.status_code == 400, response.content
    assert not PoolRules.objects.exists() and not CategoryReturnRule.objects.exists()


def test_the_api_locks_and_unlocks(company, api, dated):
    soon = dated[0]
    refused = api(company.rep).post("/api/customers/lock/", {"ids": [soon.pk]}, format="json")
    assert refused.json()["done"] == [] and refused.json()["refused"][0]["reason"]
    done = api(company.marketer).post("/api/customers/lock/", {"ids": [soon.pk]}, format="json")
    assert done.json()["done"] == [soon.pk]
    detail = api(company.rep).get(f"/api/customers/{soon.pk}/").json()
    assert detail["locked_at"] is not None and detail["returns_at"] is None
    api(company.marketer).post("/api/customers/unlock/", {"ids": [soon.pk]}, format="json")
    assert api(company.rep).get(f"/api/customers/{soon.pk}/").json()["returns_at"] is not None


# ------------------------------------------------------------------- return reasons


def test_returning_from_my_customers_with_a_reason(company, browser):
    acme = CustomerFactory(name="Acme")
    ownership.claim(company.rep, [acme.pk])
    save_pool_rules(company.admin, {"return_reason_required": True})
    client = browser(company.rep)
    page = client.get("/mine/").content.decode()
    assert 'data-testid="return-reason"' in page and "Why return? (required)" in page
    client.post("/customers/batch/", {"action": "return", "ids": [acme.pk], "next": "/mine/"})
    assert "Choose why you return them." in client.get("/mine/").content.decode()
    assert Customer.objects.get(pk=acme.pk).owner_id == company.rep.pk
    no_need = DictionaryItem.objects.get(kind="return_reason", name="No need")
    client.post(
        "/customers/batch/",
        {"action": "return", "ids": [acme.pk], "reason_item": no_need.pk, "next": "/mine/"},
    )
    assert Customer.objects.get(pk=acme.pk).owner_id is None
    card = browser(company.peer).get(f"/pool/{acme.pk}/").content.decode()
    assert 'data-testid="back-in-pool"' in card and "1 time, last on" in card
    assert "No need" in card


def test_the_api_returns_with_a_reason_and_refuses_an_unknown_one(company, api):
    acme = CustomerFactory(name="Acme")
    ownership.claim(company.rep, [acme.pk])
    bad = api(company.rep).post(
        "/api/customers/return/", {"ids": [acme.pk], "reason_item": 999999}, format="json"
    )
    assert bad.status_code == 400 and Customer.objects.get(pk=acme.pk).owner_id
    no_need = DictionaryItem.objects.get(kind="return_reason", name="No need")
    done = api(company.rep).post(
        "/api/customers/return/", {"ids": [acme.pk], "reason_item": no_need.pk}, format="json"
    )
    assert done.json()["done"] == [acme.pk]


# ------------------------------------------------------------------- the view quota


def test_the_pool_view_quota_refuses_the_next_card_and_traces_it(company, browser, api):
    rows = [CustomerFactory(name=f"Card {n}") for n in range(3)]
    save_pool_rules(company.admin, {"pool_view_quota": 2})
    client = browser(company.rep)
    assert client.get(f"/pool/{rows[0].pk}/").status_code == 200
    assert client.get(f"/pool/{rows[0].pk}/").status_code == 200  # the same card again
    assert api(company.rep).get(f"/api/pool/{rows[1].pk}/").status_code == 200
    refused = client.get(f"/pool/{rows[2].pk}/")
    assert refused.status_code == 403
    assert "You have opened 2 customers of the pool today" in refused.content.decode()
    assert api(company.rep).get(f"/api/pool/{rows[2].pk}/").status_code == 403
    assert (
        AuditEntry.objects.filter(action=Action.REFUSED, reason__contains="opened 2").count() == 2
    )
    # Still open to: the same cards, a pool manager, and the list itself.
    assert client.get(f"/pool/{rows[1].pk}/").status_code == 200
    assert browser(company.marketer).get(f"/pool/{rows[2].pk}/").status_code == 200
    assert client.get("/pool/").status_code == 200


def test_the_quota_resets_the_next_day_and_skips_one_s_own(company, browser):
    rows = [CustomerFactory(name=f"Card {n}") for n in range(2)]
    mine = CustomerFactory(name="Mine", owner=company.rep)
    save_pool_rules(company.admin, {"pool_view_quota": 1})
    client = browser(company.rep)
    with freeze_time(timezone.now()) as clock:
        assert client.get(f"/pool/{rows[0].pk}/").status_code == 200
        assert client.get(f"/pool/{mine.pk}/").status_code == 200  # readable in full: free
        assert client.get(f"/pool/{rows[1].pk}/").status_code == 403
        clock.tick(DAY)
        client.force_login(company.rep)
        assert client.get(f"/pool/{rows[1].pk}/").status_code == 200


def test_without_a_quota_nothing_is_counted(company, browser):
    from customers.models import PoolCardView

    card = CustomerFactory(name="Card")
    assert browser(company.rep).get(f"/pool/{card.pk}/").status_code == 200
    assert not PoolCardView.objects.exists()


# ------------------------------------------------------------------- found from outside


def test_saving_the_page_keeps_a_disabled_category_s_days(company, browser, api, key_account):
    save_pool_rules(company.admin, {}, {key_account: {"no_contact_days": 90}})
    key_account.is_active = False
    key_account.save()
    client = browser(company.admin)
    page = client.get("/pool/rules/").content.decode()
    field = f"category_{key_account.pk}_no_contact_days"
    assert f'name="{field}"' in page and 'value="90"' in page
    client.post("/pool/rules/", {**FORM, field: "90"})
    assert CategoryReturnRule.objects.get(category=key_account).no_contact_days == 90
    # What GET gives may be sent back as it is.
    body = api(company.admin).get("/api/pool-rules/").json()
    again = api(company.admin).patch("/api/pool-rules/", body, format="json")
    assert again.status_code == 200, again.json()


@pytest.mark.parametrize(
    "body", [{"categories": [{}]}, {"categories": [{"no_contact_days": 5}]}], ids=str
)
def test_a_category_row_without_its_category_is_refused(company, api, body):
    assert api(company.admin).patch("/api/pool-rules/", body, format="json").status_code == 400
    assert api(company.rep).patch("/api/pool-rules/", body, format="json").status_code == 403


def test_absurd_ids_and_dates_are_refused_not_errors(company, api, browser):
    nines = "9" * 5000
    acme = CustomerFactory(name="Acme", owner=company.rep)
    client = api(company.rep)
    assert client.post(f"/api/notifications/{nines}/read/").status_code == 404
    bad = client.post(
        "/api/customers/return/", {"ids": [acme.pk], "reason_item": nines}, format="json"
    )
    assert bad.status_code == 400
    assert client.get("/api/mine/", {"returns_before": "9999-12-31"}).status_code == 200
    assert client.get("/api/pool/", {"created_before": "9999-12-31"}).status_code == 200
    for path in ("/api/pool/", "/api/mine/", "/api/opportunities/"):
        assert client.get(path, {"created_after": "0001-01-01"}).status_code == 200
    assert client.get("/api/interactions/", {"happened_after": "0001-01-01"}).status_code == 200
    assert browser(company.rep).get("/mine/", {"created_after": "0001-01-01"}).status_code == 200
    page = browser(company.rep).post(
        "/customers/batch/", {"action": "lock", "ids": nines, "next": "/mine/"}
    )
    assert page.status_code in (302, 303)
