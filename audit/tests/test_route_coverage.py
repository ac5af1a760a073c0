"""Every URL that changes data writes the audit trail (issue: whole kinds of writes left no
trace). The routes are read from the URL configuration itself: a new route that changes
data fails `test_every_write_route_has_a_scenario` until a scenario here does it, and each
scenario's request must leave an audit row under its own request id (X-Request-ID)."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver
from django.views.generic import RedirectView
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from audit.models import AuditEntry
from customers.models import SocialRelation
from customers.services import ownership
from customers.testing import ContactFactory, ShareFactory
from notifications.models import Kind
from notifications.services import notify
from org import two_factor
from org.testing import PASSWORD
from records import registry
from records.testing import MODULES, create, example, tab_url
from settings_app.models import DictionaryItem

pytestmark = pytest.mark.django_db

UNSAFE = ("post", "put", "patch", "delete")
# Methods a view class answers that change nothing, and why.
NOT_WRITES = {
    ("login", "put"): "Django reads no form from a PUT: nobody is signed in",
    ("rest_framework:login", "put"): "the same login view",
    ("password_change", "put"): "the same: Django reads no form from a PUT",
}
# URL prefixes whose writes are not the product's: Django admin (traced through the
# models' signals), the language switch (a cookie), the API documentation.
OUTSIDE = ("admin/", "i18n/", "api/schema/", "api/docs/")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern.callback


def write_routes():
    """{(url name, method)} of every route that answers a method changing data."""
    found = set()
    for route, name, callback in _walk(get_resolver().url_patterns):
        if route.startswith(OUTSIDE):
            continue
        view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view is None or issubclass(view, RedirectView):
            continue
        allowed = set(view.http_method_names)
        actions = getattr(callback, "actions", None)
        methods = actions if actions else [m for m in UNSAFE if hasattr(view, m)]
        for method in methods:
            if method in UNSAFE and method in allowed and (name, method) not in NOT_WRITES:
                found.add((name, method))
    return found


def _note(s):
    """A notification of the rep's, unread."""
    (note,) = notify([s.company.rep.pk], Kind.ASSIGNED, names=["Route"], by="Mo")
    return note.pk


class Scene:
    """What a scenario works on: the company, rep's customer with a row of every module,
    a contact with a relation, a share, an unclaimed and a deleted customer."""

    def __init__(self, company, api, client, book):
        self.company, self.book, self.client = company, book, client
        self.api = api
        self.customer = book.customer
        self.contact = ContactFactory(customer=self.customer, name="Route Contact")
        relation_type = DictionaryItem.objects.create(kind="relation", name="Classmate")
        self.relation = SocialRelation.objects.create(
            contact=self.contact, relation_type=relation_type, person_name="Old Friend"
        )
        self.share = ShareFactory(
            customer=self.customer, user=company.deputy, shared_by=company.rep
        )
        self.free = ownership.create(company.marketer, {"name": "Route Free"}, claim=False)
        self.binned = ownership.create(company.marketer, {"name": "Route Binned"}, claim=False)
        ownership.delete(company.marketer, [self.binned.pk])

    def as_(self, user):
        return self.api(user)

    def page(self, user):
        self.client.force_login(user)
        return self.client

    @property
    def rep(self):
        return self.as_(self.company.rep)

    def fresh_row(self, key):
        return example(key).make(self.company.rep, self.customer, "fresh", self.book.rows)

    def binned_row(self, key):
        """A fresh row of module `key`, in the customer's recycle bin."""
        row = self.fresh_row(key)
        registry.module_for(key).service.delete(self.company.rep, row)
        return row


def _module_scenarios():
    """The four API routes of every registered module, made from its example."""
    made = {}
    for key in MODULES:

        def new(s, key=key):
            return create(s.rep, s.customer, key, s.book.rows, tag="route")

        def change(s, key=key):
            row = s.book.rows[key]
            data = example(key).change or {}
            if not data:  # rows never changed: the refusal is traced
                return s.rep.patch(tab_url(s.customer, key, row.pk), {}, format="json")
            return s.rep.patch(tab_url(s.customer, key, row.pk), data, format="json")

        def remove(s, key=key):
            return s.rep.delete(tab_url(s.customer, key, s.fresh_row(key).pk))

        def remove_many(s, key=key):
            url = f"{tab_url(s.customer, key)}delete/"
            return s.rep.post(url, {"ids": [s.fresh_row(key).pk]}, format="json")

        made[(f"customer-{key}-list", "post")] = new
        made[(f"customer-{key}-detail", "patch")] = change
        made[(f"customer-{key}-detail", "delete")] = remove

        def restore(s, key=key):
            return s.rep.post(f"{tab_url(s.customer, key, s.binned_row(key).pk)}restore/")

        made[(f"customer-{key}-delete-many", "post")] = remove_many
        made[(f"customer-{key}-restore", "post")] = restore
    return made


def _batch(action, who, target, extra):
    def run(s):
        ids = [getattr(s, target).pk]
        return s.as_(getattr(s.company, who)).post(
            f"/api/customers/{action}/", {"ids": ids, **extra(s)}, format="json"
        )

    return run


def _none(s):
    return {}


def _to_rep(s):
    return {"to": [s.company.rep.pk]}


def _with_peer(s):
    return {"users": [s.company.peer.pk]}


def _with_deputy(s):
    return {"users": [s.company.deputy.pk]}


SCENARIOS = {
    **_module_scenarios(),
    # Sign-in and out, on the pages and in the API.
    ("login", "post"): lambda s: s.client.post("/login/", {"username": "rep", "password": "x"}),
    ("logout", "post"): lambda s: s.page(s.company.rep).post("/logout/"),
    ("rest_framework:login", "post"): lambda s: s.client.post(
        "/api/auth/login/", {"username": "rep", "password": "x"}
    ),
    ("rest_framework:logout", "post"): lambda s: s.page(s.company.rep).post("/api/auth/logout/"),
    ("password_change", "post"): lambda s: _change_password(s),
    ("org:end-token", "post"): lambda s: _end_token(s),
    ("org:sign-out-everywhere", "post"): lambda s: s.page(s.company.rep).post(
        "/account/sign-out-everywhere/"
    ),
    ("api-sign-out-everywhere", "post"): lambda s: s.rep.post("/api/auth/sign-out-everywhere/"),
    # Defined below, as _change_password is: they are called when a scenario runs.
    ("org:two-factor-setup", "post"): lambda s: _two_factor_setup(s),
    ("org:two-factor-verify", "post"): lambda s: _two_factor_verify(s),
    ("org:two-factor-recovery-codes", "post"): lambda s: _two_factor_with_code(
        s, "/account/two-factor/recovery-codes/"
    ),
    ("org:two-factor-off", "post"): lambda s: _two_factor_with_code(s, "/account/two-factor/off/"),
    ("api-token", "delete"): lambda s: s.rep.delete("/api/auth/token/"),
    ("api-token", "post"): lambda s: s.as_(None).post(
        "/api/auth/token/", {"username": "rep", "password": "x"}, format="json"
    ),
    # Settings, people, departments, the dictionary.
    ("settings", "patch"): lambda s: s.as_(s.company.admin).patch(
        "/api/settings/", {"currency": "USD"}, format="json"
    ),
    ("user-list", "post"): lambda s: s.as_(s.company.admin).post(
        "/api/users/", {"username": "newbie", "password": "Long-enough-9"}, format="json"
    ),
    ("user-detail", "patch"): lambda s: s.as_(s.company.admin).patch(
        f"/api/users/{s.company.junior.pk}/", {"display_name": "Junior Wu II"}, format="json"
    ),
    ("department-list", "post"): lambda s: s.as_(s.company.admin).post(
        "/api/departments/", {"name": "Logistics"}, format="json"
    ),
    ("dictionary-list", "post"): lambda s: s.as_(s.company.admin).post(
        "/api/dictionary/category/", {"name": "战略客户"}, format="json"
    ),
    ("dictionary-detail", "patch"): lambda s: s.as_(s.company.admin).patch(
        f"/api/dictionary/category/{_item(s).pk}/", {"name": "Renamed"}, format="json"
    ),
    ("dictionary-detail", "delete"): lambda s: s.as_(s.company.admin).delete(
        f"/api/dictionary/category/{_item(s).pk}/"
    ),
    # Customers in the API.
    ("pool", "post"): lambda s: s.rep.post("/api/pool/", {"name": "Route New"}, format="json"),
    ("pool-detail", "patch"): lambda s: s.as_(s.company.marketer).patch(
        f"/api/pool/{s.free.pk}/", {"name": "Route Free Ltd"}, format="json"
    ),
    ("mine", "post"): lambda s: s.rep.post("/api/mine/", {"name": "Route Mine"}, format="json"),
    ("customer-detail", "patch"): lambda s: s.rep.patch(
        f"/api/customers/{s.customer.pk}/", {"notes": "route notes"}, format="json"
    ),
    ("hand-over", "post"): lambda s: s.as_(s.company.manager).post(
        "/api/hand-over/", {"person": s.company.rep.pk, "to": []}, format="json"
    ),
    ("customers:hand-over", "post"): lambda s: s.page(s.company.manager).post(
        "/hand-over/", {"person": s.company.rep.pk, "mode": "pool"}
    ),
    ("pool-rules", "patch"): lambda s: s.as_(s.company.admin).patch(
        "/api/pool-rules/", {"auto_return": True, "no_contact_days": 20}, format="json"
    ),
    ("customers:pool-rules", "post"): lambda s: s.page(s.company.admin).post(
        "/pool/rules/", {"auto_return": "on", "no_contact_days": "20", "warning_days": "3"}
    ),
    ("customers:pools-new", "post"): lambda s: s.page(s.company.admin).post(
        "/pools/new/", {"name": "Route Pool", "warning_days": "3", "members": [s.company.rep.pk]}
    ),
    ("customers:pools-edit", "post"): lambda s: s.page(s.company.admin).post(
        f"/pools/{_pool(s).pk}/", {"name": "Route Pool Renamed", "warning_days": "3"}
    ),
    ("customers:pools-delete", "post"): lambda s: s.page(s.company.admin).post(
        f"/pools/{_pool(s).pk}/delete/"
    ),
    ("notification-read", "post"): lambda s: s.rep.post(f"/api/notifications/{_note(s)}/read/"),
    ("notification-read-all", "post"): lambda s: (
        _note(s),
        s.rep.post("/api/notifications/read-all/"),
    )[1],
    ("notifications:read", "post"): lambda s: s.page(s.company.rep).post(
        f"/notifications/{_note(s)}/read/"
    ),
    ("notifications:read-all", "post"): lambda s: (
        _note(s),
        s.page(s.company.rep).post("/notifications/read-all/"),
    )[1],
    ("customer-lock", "post"): _batch("lock", "manager", "customer", _none),
    ("customer-unlock", "post"): _batch("unlock", "manager", "customer", _none),
    ("customer-claim", "post"): _batch("claim", "rep", "free", _none),
    ("customer-return-to-pool", "post"): _batch("return", "rep", "customer", _none),
    ("customer-move-to-pool", "post"): _batch(
        "move-to-pool", "marketer", "free", lambda s: {"pool": _pool(s).pk}
    ),
    ("pools-list", "post"): lambda s: s.as_(s.company.admin).post(
        "/api/pools/", {"name": "Route API Pool", "members": [s.company.rep.pk]}, format="json"
    ),
    ("pools-detail", "patch"): lambda s: s.as_(s.company.admin).patch(
        f"/api/pools/{_pool(s).pk}/", {"name": "Route Pool Renamed"}, format="json"
    ),
    ("pools-detail", "delete"): lambda s: s.as_(s.company.admin).delete(
        f"/api/pools/{_pool(s).pk}/"
    ),
    ("customer-reclaim", "post"): _batch("reclaim", "manager", "customer", _none),
    ("customer-assign", "post"): _batch("assign", "marketer", "free", _to_rep),
    ("customer-share", "post"): _batch("share", "rep", "customer", _with_peer),
    ("customer-unshare", "post"): _batch("unshare", "rep", "customer", _with_deputy),
    ("customer-delete", "post"): _batch("delete", "marketer", "free", _none),
    ("customer-restore", "post"): _batch("restore", "marketer", "binned", _none),
    # A customer's contacts, relations and shares in the API.
    ("customer-contact-list", "post"): lambda s: s.rep.post(
        f"/api/customers/{s.customer.pk}/contacts/", {"name": "Route Person"}, format="json"
    ),
    ("customer-contact-detail", "patch"): lambda s: s.rep.patch(
        f"/api/customers/{s.customer.pk}/contacts/{s.contact.pk}/", {"title": "CTO"}, format="json"
    ),
    ("customer-contact-detail", "delete"): lambda s: s.rep.delete(
        f"/api/customers/{s.customer.pk}/contacts/{s.contact.pk}/"
    ),
    ("customer-contact-delete-many", "post"): lambda s: s.rep.post(
        f"/api/customers/{s.customer.pk}/contacts/delete/", {"ids": [s.contact.pk]}, format="json"
    ),
    ("customer-contact-relation-list", "post"): lambda s: s.rep.post(
        f"/api/customers/{s.customer.pk}/contacts/{s.contact.pk}/relations/",
        {"relation_type": s.relation.relation_type_id, "person_name": "Route Spouse"},
        format="json",
    ),
    ("customer-contact-relation-detail", "delete"): lambda s: s.rep.delete(
        f"/api/customers/{s.customer.pk}/contacts/{s.contact.pk}/relations/{s.relation.pk}/"
    ),
    ("customer-share-list", "post"): lambda s: s.rep.post(
        f"/api/customers/{s.customer.pk}/shares/", {"users": [s.company.peer.pk]}, format="json"
    ),
    ("customer-share-detail", "delete"): lambda s: s.rep.delete(
        f"/api/customers/{s.customer.pk}/shares/{s.share.pk}/"
    ),
    # The pages.
    ("customers:batch", "post"): lambda s: s.page(s.company.rep).post(
        "/customers/batch/", {"action": "claim", "ids": [s.free.pk], "next": "/mine/"}
    ),
    ("customers:new", "post"): lambda s: s.page(s.company.rep).post(
        "/customers/new/", {"name": "Route Page New", "claim": "1"}
    ),
    ("customers:edit", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/edit/", {"name": s.customer.name, "notes": "page notes"}
    ),
    ("customers:pool-edit", "post"): lambda s: s.page(s.company.marketer).post(
        f"/pool/{s.free.pk}/edit/", {"name": "Route Free Page"}
    ),
    ("customers:contact-add", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/contacts/add/", {"name": "Page Person"}
    ),
    ("customers:contact-edit", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/contacts/{s.contact.pk}/",
        {"name": "Route Contact", "title": "Page Title"},
    ),
    ("customers:contact-primary", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/contacts/{s.contact.pk}/primary/"
    ),
    ("customers:contact-delete", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/contacts/delete/", {"ids": [s.contact.pk]}
    ),
    ("customers:relation-add", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/contacts/{s.contact.pk}/relations/add/",
        {"relation_type": s.relation.relation_type_id, "person_name": "Page Spouse"},
    ),
    ("customers:relation-delete", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/contacts/{s.contact.pk}/relations/{s.relation.pk}/delete/"
    ),
    ("customers:share-add", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/shares/add/", {"users": [s.company.peer.pk]}
    ),
    ("customers:share-remove", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/shares/{s.share.pk}/remove/"
    ),
    ("customers:share-remove-many", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/shares/remove/", {"ids": [s.share.pk]}
    ),
    ("records:new", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/interactions/new/",
        example("interactions").form("page", s.book.rows),
    ),
    ("records:edit", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/interactions/{s.book.rows['interactions'].pk}/edit/",
        example("interactions").form("edited", s.book.rows),
    ),
    ("records:delete", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/interactions/{s.fresh_row('interactions').pk}/delete/"
    ),
    ("records:restore", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/interactions/{s.binned_row('interactions').pk}/restore/"
    ),
    ("records:delete-many", "post"): lambda s: s.page(s.company.rep).post(
        f"/customers/{s.customer.pk}/interactions/delete/",
        {"ids": [s.fresh_row("interactions").pk]},
    ),
    # The administrators' settings pages.
    ("settings_app:system", "post"): lambda s: s.page(s.company.admin).post(
        "/settings/system/",
        {
            "force_hierarchical_sharing": "on",
            "currency": "USD",
            "attachment_max_mb": "20",
            "blocked_extensions": "exe",
        },
    ),
    ("settings_app:dictionary", "post"): lambda s: s.page(s.company.admin).post(
        "/settings/dictionary/category/", {"name": "Strategic", "name_zh_hans": "战略客户"}
    ),
    ("settings_app:dictionary-item", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/dictionary/category/{_item(s).pk}/",
        {"name": "Route Item", "name_zh_hans": "路线项目"},
    ),
    ("settings_app:dictionary-move", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/dictionary/category/{_second_item(s).pk}/move/", {"direction": "up"}
    ),
    ("settings_app:dictionary-active", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/dictionary/category/{_item(s).pk}/active/", {"active": "0"}
    ),
    ("settings_app:dictionary-delete", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/dictionary/category/{_item(s).pk}/delete/"
    ),
    ("org:user-new", "post"): lambda s: s.page(s.company.admin).post(
        "/settings/users/new/",
        {"username": "pagenewbie", "display_name": "Page Newbie", "password": "Long-enough-9"},
    ),
    ("org:user-edit", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/users/{s.company.junior.pk}/",
        {
            "display_name": "Junior Wu II",
            "department": s.company.sales.pk,
            "supervisor": s.company.rep.pk,
        },
    ),
    ("org:user-active", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/users/{s.company.junior.pk}/active/", {"active": "0"}
    ),
    ("org:user-sign-out-everywhere", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/users/{s.company.rep.pk}/sign-out-everywhere/"
    ),
    ("org:user-two-factor-off", "post"): lambda s: _two_factor_off_by_an_administrator(s),
    ("org:unlock", "post"): lambda s: _unlock(s),
    ("org:departments", "post"): lambda s: s.page(s.company.admin).post(
        "/settings/departments/", {"name": "Page Logistics"}
    ),
    ("org:department-edit", "post"): lambda s: s.page(s.company.admin).post(
        f"/settings/departments/{s.company.support.pk}/", {"name": "Customer Support"}
    ),
}


def _change_password(s):
    s.company.rep.set_password("Before-change-1")
    s.company.rep.save()
    page = s.page(s.company.rep)
    new = "After-change-22"
    return page.post(
        "/password_change/",
        {"old_password": "Before-change-1", "new_password1": new, "new_password2": new},
    )


def _end_token(s):
    s.as_(None).post("/api/auth/token/", {"username": "rep", "password": PASSWORD})
    key = AuthToken.objects.get(user=s.company.rep).token_key
    return s.page(s.company.rep).post(f"/account/tokens/{key}/end/")


def _two_factor_on(s):
    """rep with two-factor sign-in on and a page session of theirs; the device."""
    page = s.page(s.company.rep)
    device = two_factor.pending_device(s.company.rep)
    request = RequestFactory().get("/")
    request.user, request.session = s.company.rep, page.session
    two_factor.confirm(request, _current_code(device))
    return page, device


def _current_code(device):
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits).token()).zfill(6)


def _two_factor_setup(s):
    page = s.page(s.company.rep)
    device = two_factor.pending_device(s.company.rep)
    return page.post("/account/two-factor/setup/", {"code": _current_code(device)})


def _two_factor_verify(s):
    _two_factor_on(s)
    s.client.logout()
    s.client.post("/login/", {"username": "rep", "password": PASSWORD})
    return s.client.post("/account/two-factor/verify/", {"code": "000000"})


def _two_factor_with_code(s, url):
    page, device = _two_factor_on(s)
    return page.post(url, {"code": _current_code(device)})


def _two_factor_off_by_an_administrator(s):
    _two_factor_on(s)
    page = s.page(s.company.admin)
    return page.post(f"/settings/users/{s.company.rep.pk}/two-factor-off/")


def _unlock(s):
    page = s.page(s.company.admin)  # first: a sign-in forgets its own name's failures
    AccessAttempt.objects.create(
        username="rep", ip_address="10.0.0.9", failures_since_start=9, get_data="", post_data=""
    )
    return page.post("/settings/lockouts/unlock/", {"username": "rep"})


def _item(s):
    return DictionaryItem.objects.get_or_create(kind="category", name="Route Item")[0]


def _second_item(s):
    _item(s)
    return DictionaryItem.objects.get_or_create(kind="category", name="Route Second")[0]


def _pool(s):
    from customers.services.pools import save_pool

    return save_pool(s.company.admin, None, {"name": "Route Pool"}, {"members": [s.company.rep]})


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("route.csv", "名称\nRoute Imported\n".encode())


def _draft_import(s, user):
    from transfers import importing

    return importing.prepare(user, _upload())


def _started_import(s, user):
    from transfers import importing

    job = _draft_import(s, user)
    importing.start(user, job, target="mine")
    return job


SCENARIOS.update(
    {
        ("transfers:new-import", "post"): lambda s: s.page(s.company.rep).post(
            "/imports/new/", {"file": _upload()}
        ),
        ("transfers:import", "post"): lambda s: s.page(s.company.rep).post(
            f"/imports/{_draft_import(s, s.company.rep).pk}/",
            {"start": "1", "target": "mine", "on_duplicate": "skip", "column-0": "name"},
        ),
        ("transfers:cancel", "post"): lambda s: s.page(s.company.rep).post(
            f"/imports/{_started_import(s, s.company.rep).pk}/cancel/"
        ),
        ("api-imports", "post"): lambda s: s.rep.post(
            "/api/imports/", {"file": _upload()}, format="multipart"
        ),
        ("api-import-start", "post"): lambda s: s.rep.post(
            f"/api/imports/{_draft_import(s, s.company.rep).pk}/start/",
            {"target": "mine"},
            format="json",
        ),
        ("api-import-cancel", "post"): lambda s: s.rep.post(
            f"/api/imports/{_started_import(s, s.company.rep).pk}/cancel/"
        ),
    }
)


def test_every_write_route_has_a_scenario():
    missing = write_routes() - set(SCENARIOS)
    assert not missing, f"routes that change data with no audit scenario here: {missing}"
    stale = set(SCENARIOS) - write_routes()
    assert not stale, f"scenarios of routes that are gone: {stale}"


@pytest.mark.parametrize("route", sorted(SCENARIOS, key=str), ids=lambda r: f"{r[0]} {r[1]}")
def test_each_write_route_leaves_its_audit_row(company, api, client, book, route):
    scene = Scene(company, api, client, book)
    response = SCENARIOS[route](scene)
    assert response.status_code < 500, (route, response.status_code, response.content[:300])
    request_id = response["X-Request-ID"]
    rows = AuditEntry.objects.filter(request_id=request_id)
    assert rows.exists(), (route, response.status_code, getattr(response, "content", b"")[:300])
