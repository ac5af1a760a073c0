"""What a page lets a person see and change (SPEC C2, M5, P7, S1), and the language switch
(B4)."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from customers.models import Customer
from customers.testing import ContactFactory, CustomerFactory, ShareFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sharee_sees_no_edit_button_and_a_forged_edit_is_refused(page, ui, company, screenshot):
    customer = CustomerFactory(
        name="Readonly Holdings", owner=company.manager, phone="010-55550000", notes="owner only"
    )
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.manager)
    edit_url = f"/customers/{customer.pk}/edit/"
    forged = {
        "name": "Hijacked Holdings",
        "phone": "999",
        "notes": "changed by a sharee",
        "website": "",
        "address": "",
    }

    ui.login(page, "deputy")
    ui.nav(page, "Shared customers")
    ui.names(page).get_by_text("Readonly Holdings", exact=True).click()
    expect(page.get_by_test_id("customer-title")).to_contain_text("Readonly Holdings")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("edit-customer")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    screenshot(page, "read-only")

    response = page.goto(edit_url)
    assert response.status == 403
    expect(page.get_by_test_id("refusal")).to_be_visible()

    token = ui.csrf_token(page)
    response = page.request.post(
        edit_url,
        form={"csrfmiddlewaretoken": token, **forged},
        headers={"X-CSRFToken": token},
        max_redirects=0,
    )
    assert response.status == 403, response.status
    body = response.text()
    # Refused by the application, not by a failed CSRF check (also a 403).
    assert "CSRF verification failed" not in body
    assert 'data-testid="refusal"' in body
    assert "Only its owner may change it" in body
    customer.refresh_from_db()
    assert (customer.name, customer.phone, customer.notes) == (
        "Readonly Holdings",
        "010-55550000",
        "owner only",
    )

    # Control: the same request from the owner goes through, so the 403 above was the rule.
    ui.login(page, "manager")
    page.goto(f"/customers/{customer.pk}/")
    token = ui.csrf_token(page)
    response = page.request.post(
        edit_url,
        form={"csrfmiddlewaretoken": token, **forged},
        headers={"X-CSRFToken": token},
        max_redirects=0,
    )
    assert response.status == 302, response.status
    customer.refresh_from_db()
    assert customer.name == "Hijacked Holdings"


def test_pool_detail_of_a_claimed_customer_shows_no_private_values(page, ui, company):
    name = "机密客户有限公司"
    customer = CustomerFactory(
        name=name,
        owner=company.rep,
        phone="010-66668888",
        address="秘密路8号",
        website="secret-site.example",
        notes="绝密备注 do not leak",
    )
    ContactFactory(
        customer=customer,
        name="赵秘书",
        title="总经理助理",
        mobile="13911112222",
        phone="021-77776666",
        email="zhao@secret-site.example",
        notes="联系人备注",
        is_primary=True,
    )
    secrets = [
        "010-66668888",
        "秘密路8号",
        "secret-site",
        "绝密备注",
        "赵秘书",
        "总经理助理",
        "13911112222",
        "021-77776666",
        "联系人备注",
    ]

    ui.login(page, "peer")
    ui.nav(page, "Customer pool")
    list_html = page.content()
    assert name in list_html
    ui.names(page).get_by_text(name, exact=True).click()
    expect(page).to_have_url(f"{page.url.split('/pool/')[0]}/pool/{customer.pk}/")
    info = page.get_by_test_id("public-info")
    expect(page.get_by_test_id("customer-title")).to_have_text(name)
    expect(info).to_contain_text("Rep Li")  # the owner's name is public
    expect(info).to_contain_text("claimed")
    expect(page.get_by_role("link", name="Open full record")).to_have_count(0)
    expect(page.get_by_role("button", name="Claim")).to_have_count(0)
    detail_html = page.content()
    leaked = [s for s in secrets if s in detail_html or s in list_html]
    assert not leaked, f"private values in the pool pages: {leaked}"
    assert Customer.live.get(pk=customer.pk).owner == company.rep


def test_language_switch_to_simplified_chinese(page, ui, company, screenshot):
    with translation.override("zh-hans"):
        translated = translation.gettext("Customer pool")
    catalog = translated != "Customer pool"

    ui.login(page, "rep")
    ui.nav(page, "Customer pool")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    with page.expect_navigation():
        page.select_option("nav select[name=language]", "zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("nav select[name=language]")).to_have_value("zh-hans")
    if catalog:
        expect(page.locator("nav.navbar").get_by_role("link", name="客户池")).to_be_visible()
    screenshot(page, "zh-hans")

    # The choice sticks for the next page, and switching back works.
    page.goto("/mine/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    with page.expect_navigation():
        page.select_option("nav select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.navbar").get_by_role("link", name="Customer pool")).to_be_visible()
