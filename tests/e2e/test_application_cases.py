"""SPEC §10: the four application cases of the source manual (客户管理概述 §5), played
through the pages on the demo company as shipped (`manage.py demo_data`), each by the demo
people it names, signed in at /login/ with the demo password, in Simplified Chinese and in
English. Nobody is given a role here: what the cases need, the demo people hold already.

- Case 1 (5.1 1.1): 王总 (boss) creates a customer in the pool and assigns it to his sales
  manager 李经理 (east_mgr), who finds it in My customers and records a contact and an
  interaction on it.
- Case 2 (5.1 1.2): 周敏 of marketing (marketer) enters a list of prospects into the pool
  and spreads them evenly over three sales reps in one batch; each rep holds only their
  own share of the list and cannot open the others'.
- Case 3 (5.2 1.3): 李经理, off on a trip, shares a customer he works with his deputy
  张伟 (east_rep1) from the customer's Shares tab; the deputy reads it and records the
  customer's calls; back home, the manager removes the share and the deputy no longer
  sees it.
- Case 4 (5.2 1.4): 李经理 shares a customer from My customers with his whole department
  (销售一部) and with colleagues of other departments (周敏 of marketing, 陈静 of Sales
  North); each of them reads it and records an interaction, someone left out cannot.
"""

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import Interaction
from customers import querysets
from customers.management.commands.demo_data import DEMO_PASSWORD
from customers.models import Contact, Customer, Share
from org.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["zh-hans", "en"]

# Only what a user reads or clicks by its words; everything else is found by its test id.
TEXT = {
    "zh-hans": {
        "pool": "客户池",
        "mine": "我的客户",
        "shared": "共享客户",
        "assign_panel": "指派…",
        "share_panel": "共享…",
        "assign_confirm": "确定将选中的客户指派给所选人员吗？",
        "unshare_confirm": "确定取消此共享吗？对方将无法再看到该客户。",
        "no_contacts": "暂无联系人。",
        "primary": "主联系人",
        "not_shared": "尚未共享给任何人。",
        "department": "部门：",
        "no_match": "没有符合条件的客户。",
        "read_only": "只读：共享给您的客户",
        "saved": "已保存",
    },
    "en": {
        "pool": "Customer pool",
        "mine": "My customers",
        "shared": "Shared customers",
        "assign_panel": "Assign…",
        "share_panel": "Share…",
        "assign_confirm": "Give the ticked customers to the chosen user(s)?",
        "unshare_confirm": "Remove this share? They will no longer see the customer.",
        "no_contacts": "No contacts yet.",
        "primary": "primary",
        "not_shared": "Not shared with anyone.",
        "department": "Department: ",
        "no_match": "No customers match.",
        "read_only": "Read-only: shared with you",
        "saved": "Saved",
    },
}

# What the people of the cases type, in the language they work in.
DATA = {
    "zh-hans": {
        "new_customer": "灯塔机器人科技有限公司",
        "new_customer_search": "灯塔",
        "contact": "黄晓明",
        "contact_title": "采购经理",
        "prospect": "展会线索{:02d}号精密仪器有限公司",
        "prospect_search": "展会线索",
        "call": "客户来电：询问交货期",
        "visit": "首次拜访，介绍方案",
        "support": "客户来电咨询，已记录需求（{}）",
        # The demo's interaction types, as the language names them.
        "visit_kind": "拜访",
        "call_kind": "电话",
    },
    "en": {
        "new_customer": "Lighthouse Robotics Ltd.",
        "new_customer_search": "Lighthouse",
        "contact": "Grace Hopper",
        "contact_title": "Purchasing manager",
        "prospect": "Expo Lead {:02d} Instruments Ltd.",
        "prospect_search": "Expo Lead",
        "call": "Customer called about delivery dates",
        "visit": "First visit, presented the offer",
        "support": "Customer called in, needs noted ({})",
        "visit_kind": "Visit",
        "call_kind": "Phone call",
    },
}

PROSPECTS = 6
REPS = ["east_rep1", "east_rep3", "north_rep1"]  # two departments, spread over by 周敏


@pytest.fixture
def demo(transactional_db):
    """The demo company as `manage.py demo_data` ships it; `demo.<username>` is a person."""
    call_command("demo_data", stdout=io.StringIO())
    return SimpleNamespace(**{user.username: user for user in User.objects.all()})


@pytest.fixture(params=LANGUAGES)
def lang(request):
    return request.param


def login(page, ui, username, lang):
    ui.login(page, username, DEMO_PASSWORD, language=lang)


def search_list(page, ui, section_label, keyword):
    """Open one of the three customer lists from the top bar and search it."""
    ui.nav(page, section_label)
    ui.search(page, keyword)


def unshared_customer_of(owner):
    """The first by name of `owner`'s demo customers that are shared with nobody."""
    candidates = Customer.live.filter(owner=owner, shares__isnull=True)
    return min(candidates, key=lambda customer: customer.name)


def open_tab(page, tab):
    page.locator(f"a[data-tab={tab}]").click()
    expect(page.locator("#tab-pane")).to_have_attribute("data-tab", tab)


def record_interaction(page, subject, kind, contact=None):
    """From a customer's page: Interaction records → New → save one."""
    open_tab(page, "interactions")
    page.get_by_test_id("new-interactions").click()
    form = page.get_by_test_id("record-form")
    form.locator("#id_kind").select_option(label=kind)
    form.locator("#id_subject").fill(subject)
    if contact is not None:
        form.locator("#id_contact").select_option(label=contact)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    expect(page.locator("#tab-pane")).to_have_attribute("data-tab", "interactions")
    return page.get_by_test_id("records-interactions").locator("tbody tr", has_text=subject)


def open_as_sharee(page, ui, username, lang, name, text):
    """`username` signs in, finds `name` among the shared customers and opens it: shown
    read-only, without an edit button."""
    login(page, ui, username, lang)
    search_list(page, ui, text["shared"], name)
    expect(ui.names(page)).to_have_text([name])
    ui.names(page).get_by_text(name, exact=True).click()
    expect(page.get_by_test_id("customer-title")).to_contain_text(name)
    expect(page.get_by_test_id("read-only")).to_have_text(text["read_only"])
    expect(page.get_by_test_id("edit-customer")).to_have_count(0)


def expect_refused(page, customer, secret):
    """Opening `customer` by its address is refused and shows nothing of it."""
    response = page.goto(f"/customers/{customer.pk}/")
    assert response.status == 404
    expect(page.get_by_test_id("refusal")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(secret)


def test_case1_ceo_creates_in_pool_assigns_to_manager_who_records_on_it(
    page, ui, demo, lang, dialogs, screenshot
):
    text, data = TEXT[lang], DATA[lang]
    name = data["new_customer"]
    manager = demo.east_mgr
    assert demo.boss.is_pool_manager, "the demo's CEO distributes the pool (README)"
    assert manager.supervisor == demo.boss

    login(page, ui, "boss", lang)
    ui.nav(page, text["pool"])
    page.locator("a[href^='/customers/new/?claim=0']").click()
    form = page.get_by_test_id("customer-form")
    form.locator("#id_name").fill(name)
    form.locator("#id_phone").fill("010-12345678")
    with page.expect_navigation():
        form.locator("button[name=save]").click()
    expect(page.get_by_test_id("customer-title")).to_have_text(name)
    expect(page.get_by_role("alert")).to_contain_text(text["saved"])
    customer = Customer.live.get(name=name)
    assert customer.owner is None, "New in the pool makes an unclaimed customer"
    assert customer.created_by == demo.boss

    search_list(page, ui, text["pool"], data["new_customer_search"])
    expect(ui.names(page)).to_have_text([name])
    ui.tick(page, name)
    ui.open_panel(page, text["assign_panel"])
    page.select_option("#assign-to", label=manager.label)
    result = ui.batch(page, "assign")
    ui.assert_not_refused_as_a_whole(result)
    expect(result.locator("li[data-result=done]")).to_have_text([f"✓ {name}"])
    expect(result.locator("li[data-result=refused]")).to_have_count(0)
    assert dialogs.messages == [text["assign_confirm"]]
    screenshot(page, "assigned")
    customer.refresh_from_db()
    assert customer.owner == manager

    login(page, ui, "east_mgr", lang)
    search_list(page, ui, text["mine"], data["new_customer_search"])
    expect(ui.names(page)).to_have_text([name])
    ui.names(page).get_by_text(name, exact=True).click()
    expect(page.get_by_test_id("customer-title")).to_contain_text(name)
    expect(page.get_by_test_id("edit-customer")).to_be_visible()
    open_tab(page, "contacts")
    expect(page.get_by_test_id("contacts")).to_contain_text(text["no_contacts"])
    add_contact = page.get_by_test_id("add-contact")
    add_contact.locator("summary").click()
    add_contact.locator("#id_name").fill(data["contact"])
    add_contact.locator("#id_title").fill(data["contact_title"])
    add_contact.locator("#id_mobile").fill("13800138000")
    with page.expect_navigation():
        add_contact.locator("form button.btn-primary").click()
    row = page.get_by_test_id("contacts").locator("tbody tr", has_text=data["contact"])
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("primary")).to_have_text(text["primary"])
    contact = Contact.objects.get(customer=customer)
    assert (contact.name, contact.mobile, contact.is_primary) == (
        data["contact"],
        "13800138000",
        True,
    )

    visit = record_interaction(page, data["visit"], data["visit_kind"], contact=data["contact"])
    expect(visit).to_have_count(1)
    expect(visit).to_contain_text(manager.label)
    interaction = Interaction.objects.get(customer=customer)
    assert (interaction.subject, interaction.created_by, interaction.contact) == (
        data["visit"],
        manager,
        contact,
    )
    customer.refresh_from_db()
    assert customer.last_contacted_at == interaction.happened_at
    screenshot(page, "manager-recorded")

    # My customers shows the primary contact, the phone and the day of the last contact.
    search_list(page, ui, text["mine"], data["new_customer_search"])
    row = page.get_by_test_id("customer-table").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(data["contact"])
    expect(row).to_contain_text("13800138000")
    # The day as the page shows it: in the site's time zone (UTC's is a day behind from
    # 16:00 to midnight).
    expect(row).to_contain_text(f"{timezone.localtime(interaction.happened_at):%Y-%m-%d}")


def test_case2_marketer_enters_prospects_and_spreads_them_over_three_reps(
    page, ui, demo, lang, dialogs, screenshot
):
    text, data = TEXT[lang], DATA[lang]
    prospects = [data["prospect"].format(i) for i in range(1, PROSPECTS + 1)]
    reps = [getattr(demo, username) for username in REPS]
    assert demo.marketer.is_pool_manager, "the demo's marketer distributes the pool (README)"
    unclaimed_before = set(Customer.live.filter(owner=None).values_list("pk", flat=True))
    owners_before = dict(Customer.live.exclude(owner=None).values_list("pk", "owner_id"))

    login(page, ui, "marketer", lang)
    ui.nav(page, text["pool"])
    page.locator("a[href^='/customers/new/?claim=0']").click()
    for i, prospect in enumerate(prospects):
        form = page.get_by_test_id("customer-form")
        form.locator("#id_name").fill(prospect)
        form.locator("#id_phone").fill(f"021-5550{i:04d}")
        with page.expect_navigation():
            form.locator("button[name=save_and_new]").click()
        expect(page.get_by_role("alert")).to_contain_text(prospect)
        expect(page.get_by_test_id("customer-form").locator("#id_name")).to_have_value("")
    assert (
        sorted(Customer.live.filter(owner=None, name__in=prospects).values_list("name", flat=True))
        == prospects
    )

    search_list(page, ui, text["pool"], data["prospect_search"])
    expect(ui.names(page)).to_have_text(prospects)
    ui.select_all(page)
    expect(page.locator("#list-region input[name=ids]:checked")).to_have_count(PROSPECTS)
    ui.open_panel(page, text["assign_panel"])
    page.select_option("#assign-to", label=[rep.label for rep in reps])
    result = ui.batch(page, "assign")
    ui.assert_not_refused_as_a_whole(result)
    expect(result.locator("li[data-result=done]")).to_have_count(PROSPECTS)
    expect(result.locator("li[data-result=refused]")).to_have_count(0)
    assert dialogs.messages == [text["assign_confirm"]]
    screenshot(page, "assigned")

    owned = {
        rep.username: sorted(
            Customer.live.filter(owner=rep, name__in=prospects).values_list("name", flat=True)
        )
        for rep in reps
    }
    share = PROSPECTS // len(reps)
    assert [len(names) for names in owned.values()] == [share] * len(reps), owned
    assert sorted(n for names in owned.values() for n in names) == prospects, "each to one rep"
    # The rest of the company is as it was: the other unclaimed customers stay in the pool,
    # and nobody's customers changed hands.
    assert set(Customer.live.filter(owner=None).values_list("pk", flat=True)) == unclaimed_before
    assert (
        dict(
            Customer.live.exclude(owner=None)
            .exclude(name__in=prospects)
            .values_list("pk", "owner_id")
        )
        == owners_before
    )
    assert not Share.objects.filter(customer__name__in=prospects).exists()

    for rep in reps:
        visible = querysets.visible(rep).filter(name__in=prospects)
        assert sorted(visible.values_list("name", flat=True)) == owned[rep.username]

    for rep in reps:
        login(page, ui, rep.username, lang)
        search_list(page, ui, text["mine"], data["prospect_search"])
        expect(ui.names(page)).to_have_text(owned[rep.username])
        screenshot(page, f"mine-{rep.username}")

    # The last rep (signed in now) opens one of the first rep's prospects by its address.
    other = Customer.live.get(name=owned[reps[0].username][0])
    expect_refused(page, other, other.phone)


def test_case3_manager_shares_with_deputy_for_a_trip_then_removes_the_share(
    page, ui, demo, lang, dialogs, screenshot
):
    text, data = TEXT[lang], DATA[lang]
    manager, deputy = demo.east_mgr, demo.east_rep1
    customer = unshared_customer_of(manager)
    name = customer.name
    assert not querysets.visible(deputy).filter(pk=customer.pk).exists()
    interactions_before = set(
        Interaction.objects.filter(customer=customer).values_list("pk", flat=True)
    )

    login(page, ui, "east_mgr", lang)
    search_list(page, ui, text["mine"], name)
    expect(ui.names(page)).to_have_text([name])
    ui.names(page).get_by_text(name, exact=True).click()
    expect(page.get_by_test_id("customer-title")).to_contain_text(name)
    open_tab(page, "shares")
    expect(page.get_by_test_id("shares")).to_contain_text(text["not_shared"])
    form = page.get_by_test_id("add-share")
    form.locator("#id_users").select_option(label=deputy.label)
    with page.expect_navigation():
        form.locator("button").click()
    rows = page.get_by_test_id("shares").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text([deputy.label])
    assert list(Share.objects.filter(customer=customer).values_list("user", "shared_by")) == [
        (deputy.pk, manager.pk)
    ]

    open_as_sharee(page, ui, "east_rep1", lang, name, text)
    expect(page.get_by_test_id("basic-info")).to_contain_text(customer.phone)
    call = record_interaction(page, data["call"], data["call_kind"])
    expect(call).to_have_count(1)
    expect(call).to_contain_text(deputy.label)
    screenshot(page, "deputy-records")
    recorded = Interaction.objects.filter(customer=customer).exclude(pk__in=interactions_before)
    assert list(recorded.values_list("subject", "created_by")) == [(data["call"], deputy.pk)]
    customer.refresh_from_db()
    assert customer.owner == manager, "a share gives no ownership"

    login(page, ui, "east_mgr", lang)
    search_list(page, ui, text["mine"], name)
    ui.names(page).get_by_text(name, exact=True).click()
    open_tab(page, "interactions")
    expect(
        page.get_by_test_id("records-interactions").locator("tbody tr", has_text=data["call"])
    ).to_contain_text(deputy.label)
    open_tab(page, "shares")
    shares = page.get_by_test_id("shares")
    row = shares.locator("tbody tr", has_text=deputy.label)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.locator("button").click()
    expect(shares).to_contain_text(text["not_shared"])
    assert dialogs.messages == [text["unshare_confirm"]]
    assert not Share.objects.filter(customer=customer).exists()
    assert recorded.count() == 1, "the deputy's record stays with the customer"

    login(page, ui, "east_rep1", lang)
    search_list(page, ui, text["shared"], name)
    expect(ui.names(page)).to_have_count(0)
    expect(page.get_by_test_id("customer-table")).to_contain_text(text["no_match"])
    expect_refused(page, customer, customer.phone)


def test_case4_manager_shares_with_his_department_and_other_departments_all_record(
    page, ui, demo, lang, screenshot
):
    text, data = TEXT[lang], DATA[lang]
    manager = demo.east_mgr
    department = manager.department  # 销售一部 Sales East
    colleagues = [demo.marketer, demo.north_rep1]  # marketing and Sales North
    readers = [demo.east_rep2, *colleagues]  # east_rep2 through the department
    outsider = demo.north_rep2
    customer = unshared_customer_of(manager)
    name = customer.name
    interactions_before = set(
        Interaction.objects.filter(customer=customer).values_list("pk", flat=True)
    )

    login(page, ui, "east_mgr", lang)
    search_list(page, ui, text["mine"], name)
    expect(ui.names(page)).to_have_text([name])
    ui.tick(page, name)
    ui.open_panel(page, text["share_panel"])
    page.select_option("#share-users", label=[person.label for person in colleagues])
    page.select_option("#share-departments", label=department.name)
    result = ui.batch(page, "share")
    ui.assert_not_refused_as_a_whole(result)
    expect(result.locator("li[data-result=done]")).to_have_text([f"✓ {name}"])
    expect(result.locator("li[data-result=refused]")).to_have_count(0)
    assert sorted(
        Share.objects.filter(customer=customer).values_list("user", "department"), key=str
    ) == sorted(
        [(colleagues[0].pk, None), (colleagues[1].pk, None), (None, department.pk)], key=str
    )

    ui.names(page).get_by_text(name, exact=True).click()
    open_tab(page, "shares")
    rows = page.get_by_test_id("shares").locator("tbody tr")
    expect(rows).to_have_count(3)
    for label in [
        *(person.label for person in colleagues),
        f"{text['department']}{department.name}",
    ]:
        expect(rows.filter(has_text=label)).to_have_count(1)
    screenshot(page, "shares-tab")

    for reader in readers:
        open_as_sharee(page, ui, reader.username, lang, name, text)
        subject = data["support"].format(reader.username)
        row = record_interaction(page, subject, data["call_kind"])
        expect(row).to_have_count(1)
        expect(row).to_contain_text(reader.label)

    recorded = Interaction.objects.filter(customer=customer).exclude(pk__in=interactions_before)
    assert sorted(recorded.values_list("created_by", "subject")) == sorted(
        (reader.pk, data["support"].format(reader.username)) for reader in readers
    )
    customer.refresh_from_db()
    assert customer.owner == manager

    # Someone the customer was not shared with finds nothing and is refused the record.
    login(page, ui, outsider.username, lang)
    search_list(page, ui, text["shared"], name)
    expect(ui.names(page)).to_have_count(0)
    expect_refused(page, customer, customer.phone)
