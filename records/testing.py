"""Test set-up of the working record, for records' own tests and for the module apps'
(a pytest plugin: the root conftest loads it, so its fixtures serve every app).

The generic tests (records/tests/) run for every module in records.registry. What they
need to know of one module — how to make a row, what to post, what a table shows — each
app gives in its own testing.py: EXAMPLES = {module key: ModuleExample}. A module
registered without an example fails those tests until it has one."""

import itertools
from dataclasses import dataclass, field
from importlib import import_module

import pytest

from customers.services import ownership
from customers.testing import CustomerFactory, ShareFactory

from . import access, registry


class ModuleExample:
    """How the generated tests make, post, change and recognise rows of one module."""

    # A valid change of a row through the API: {field: value}, the value as it is stored
    # after the change. None for a module whose rows are never changed.
    change = None
    # Other rows that belong to the module's rows (a quote's lines): {label: model}, so
    # that a test can tell nothing was stored or lost.
    counted = {}

    def make(self, user, customer, tag, made):
        """One row on `customer`, written by `user`, as set-up; `tag` is in its texts so a
        test can look for it anywhere. `made`: {key: row} of the modules made before it
        on this customer (registry order)."""
        raise NotImplementedError

    def body(self, tag, made):
        """(data, format) of a valid new row, POSTed to the customer's tab in the API."""
        raise NotImplementedError

    def form(self, tag, made):
        """Data of a valid new row, POSTed to the module's new-row page."""
        raise NotImplementedError

    def shown(self, row):
        """The text that identifies `row` in the module's tables."""
        raise NotImplementedError

    def planted(self, tag, row):
        """Texts made by make() that only the working record holds (none of them may
        leak into the pool)."""
        raise NotImplementedError

    def bulk(self, user, customer, count):
        """`count` more rows on `customer`, with the relations the tables show, stored
        directly (for counting queries)."""
        raise NotImplementedError


def example(key):
    """The example the app of module `key` gives in its testing.py."""
    module = registry.module_for(key)
    app = import_module(f"{module.model._meta.app_config.name}.testing")
    return app.EXAMPLES[key]


def module_keys(rule=None):
    """Keys of the registered modules in tab order; with `rule`, of those that write
    under that access rule."""
    return tuple(
        module.key
        for module in registry.modules()
        if rule is None or module.service.write_rule == rule
    )


MODULES = module_keys()
OPEN_TO_SHAREES = module_keys(access.OWNER_OR_SHAREE)
OWNER_ONLY = module_keys(access.OWNER)


def model(key):
    return registry.module_for(key).model


def counts():
    """How many rows each module (and what belongs to its rows) holds, to compare
    before and after."""
    found = {key: model(key).objects.count() for key in MODULES}
    for key in MODULES:
        for label, extra in example(key).counted.items():
            found[label] = extra.objects.count()
    return found


def fill(user, customer, tag):
    """One row of every module on `customer`, written by `user`. Returns {key: row}."""
    made = {}
    for key in MODULES:
        made[key] = example(key).make(user, customer, tag, made)
    return made


def tab_url(customer, key, pk=None):
    """The API of the customer's tab of `key`, or of one row of it."""
    base = f"/api/customers/{customer.pk}/{key}/"
    return f"{base}{pk}/" if pk is not None else base


def bin_url(customer):
    return f"/api/customers/{customer.pk}/recycle-bin/"


def restore_url(customer, key, pk):
    return f"{tab_url(customer, key, pk)}restore/"


def binned(api, user, customer):
    """{(module key, id): entry} of the customer's recycle bin as `user` reads it in the API."""
    rows = api(user).get(bin_url(customer)).json()["results"]
    return {(row["module"], row["id"]): row for row in rows}


def tab(customer, key, **params):
    """The customer's page open on the tab of `key`."""
    query = "".join(f"&{k}={v}" for k, v in params.items())
    return f"/customers/{customer.pk}/?tab={key}{query}"


def text(response):
    return response.content.decode()


def create(client, customer, key, made, tag="new"):
    """POST a new row of `key` to the customer's tab through the API; `made` holds the
    customer's rows it may refer to (fill's answer)."""
    data, format = example(key).body(tag, made)
    return client.post(tab_url(customer, key), data, format=format)


def ids(response):
    assert response.status_code == 200, (response.status_code, response.content[:300])
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def refused(response, before, field=None):
    """A clear refusal: 400 with a sentence to read (naming the field when given), and
    not one row more or less anywhere."""
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert isinstance(body.get("detail"), str) and body["detail"].strip(), body
    if field is not None:
        assert field in body, body
    assert counts() == before
    return body


def assert_queries_do_not_grow(client, urls, assert_max_queries, grow, rows_shown):
    """Each page of `urls` makes as many queries with 30 rows as with 5: none a row.
    `grow(count)` adds rows, `rows_shown(url, body)` counts those a page shows;
    `assert_max_queries` is pytest-django's django_assert_max_num_queries."""
    grow(5)
    for url in urls:  # warm up: settings row, sessions …
        assert client.get(url).status_code == 200
    few = {}
    for url in urls:
        with assert_max_queries(30) as captured:
            assert client.get(url).status_code == 200
        few[url] = len(captured.captured_queries)
    grow(25)
    for url in urls:
        with assert_max_queries(few[url]) as captured:
            page = client.get(url)
        assert page.status_code == 200
        assert len(captured.captured_queries) == few[url], url
        assert rows_shown(url, page.content.decode()) == 30, url


_serial = itertools.count(1)


def serial():
    """A number unique in this test process, for numbers and names that must be."""
    return next(_serial)


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def media(settings, tmp_path):
    """Uploads of the test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def alpha(company, media):
    """rep's customer, shared with deputy, with one row of every module (`alpha.rows`)."""
    customer = CustomerFactory(name="Pages Alpha", owner=company.rep)
    ShareFactory(customer=customer, user=company.deputy, shared_by=company.rep)
    customer.rows = fill(company.rep, customer, "zqpage")
    return customer


@dataclass
class Book:
    """rep's customer with a full record, and two other customers with theirs: another
    of rep's and one of peer's."""

    customer: object
    other: object
    foreign: object
    rows: dict = field(default_factory=dict)
    other_rows: dict = field(default_factory=dict)
    foreign_rows: dict = field(default_factory=dict)


@pytest.fixture
def book(company, media):
    book = Book(
        customer=CustomerFactory(name="Bad Input Customer", owner=company.rep),
        other=CustomerFactory(name="Other Customer Of Rep", owner=company.rep),
        foreign=CustomerFactory(name="Peer's Customer", owner=company.peer),
    )
    book.rows = fill(company.rep, book.customer, "zqbook")
    book.other_rows = fill(company.rep, book.other, "zqother")
    book.foreign_rows = fill(company.peer, book.foreign, "zqforeign")
    return book


@dataclass
class World:
    """rep owns "alpha" (shared with deputy) and "delta" (shared with the Support
    department, so peer reads it); peer owns "own"; "returned" went back to the pool with
    its records. Every customer carries one row of every module, tagged zq{label}."""

    company: object
    customers: dict = field(default_factory=dict)  # label → Customer
    rows: dict = field(default_factory=dict)  # label → {module: row}

    def user(self, persona):
        return getattr(self.company, persona)


@pytest.fixture
def world(company, media):
    w = World(company)
    w.customers["alpha"] = CustomerFactory(name="Record Alpha", owner=company.rep)
    w.customers["delta"] = CustomerFactory(name="Record Delta", owner=company.rep)
    w.customers["own"] = CustomerFactory(name="Record Own", owner=company.peer)
    w.customers["returned"] = CustomerFactory(name="Record Returned", owner=company.rep)
    ShareFactory(customer=w.customers["alpha"], user=company.deputy, shared_by=company.rep)
    ShareFactory(customer=w.customers["delta"], department=company.support, shared_by=company.rep)
    for label, customer in w.customers.items():
        owner = company.peer if label == "own" else company.rep
        w.rows[label] = fill(owner, customer, f"zq{label}")
    assert ownership.return_to_pool(company.rep, [w.customers["returned"].pk]).done
    return w
