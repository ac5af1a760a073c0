"""What the API's schema tests share: the WSGI application, the schema it serves, and a
company whose customers carry rows of every record module.

schemathesis changes Hypothesis for the whole process when it is imported
(schemathesis.generation.hypothesis.setup): a printer that prints nothing instead of the
one that shows a failing example, and a larger buffer for each example. Every other
Hypothesis test of the process would then report its failing example as `n=,`, so
Hypothesis is put back as it was right after the import. (Its pytest plugin, which would
import it at start-up, is switched off in pyproject.toml: these tests do not use it.)"""

import copy

import hypothesis.core
import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis.internal.conjecture import engine
from hypothesis.strategies._internal import collections
from knox.models import AuthToken

from customers.models import Customer, SocialRelation
from customers.testing import ContactFactory, CustomerFactory, ShareFactory
from records import registry
from records.testing import MODULES
from settings_app.models import DictionaryItem, DictionaryKind

_CHANGED_BY_SCHEMATHESIS = [
    (hypothesis.core, "RepresentationPrinter"),
    (hypothesis.core, "BUFFER_SIZE"),
    (engine, "BUFFER_SIZE"),
    (collections, "BUFFER_SIZE"),
]
_hypothesis_as_it_was = [(m, name, getattr(m, name)) for m, name in _CHANGED_BY_SCHEMATHESIS]
import schemathesis  # noqa: E402

for module, name, value in _hypothesis_as_it_was:
    setattr(module, name, value)


@pytest.fixture
def app():
    """The WSGI application, as a server runs it. Django's handler closes the database
    connection when a request ends, which would end the test's transaction: it is kept
    open, as Django's test client keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


_document = {}


@pytest.fixture
def schema(app):
    """The OpenAPI document as /api/schema/ serves it, read by schemathesis (with its own
    defaults, whatever schemathesis.toml may lie around). The document depends on the code
    and on system settings no test here changes, and takes seconds to generate: it is
    fetched once a process, and each test reads a copy of it."""
    if not _document:
        served = schemathesis.openapi.from_wsgi("/api/schema/", app, config=schemathesis.Config())
        _document.update(served.raw_schema)
    loaded = schemathesis.openapi.from_dict(copy.deepcopy(_document), config=schemathesis.Config())
    loaded.app, loaded.location = app, "/api/schema/"  # as from_wsgi sets them
    return loaded


@pytest.fixture
def token():
    """`token(user)` → a new API token of that user, as POST /api/auth/token/ issues one."""
    return lambda user: AuthToken.objects.create(user)[1]


@pytest.fixture
def world(company, book):
    """`book` (rep's customer with a full record, rep's other one, peer's one) and what
    else a path or a filter can name: an item of every dictionary list, used by rep's
    customer and by its records; a contact with a social relation; shares with a person
    and with a department; an expense and an attachment with no writer recorded; a
    customer in the pool, one in the recycle bin, and one rep's subordinate created that
    is back in the pool (the shared lists of rep and of his manager show it, but not its
    private fields); and every record of rep's other customer in the recycle bin."""
    items = {
        kind: DictionaryItem.objects.create(kind=kind, name=f"{kind} item")
        for kind in DictionaryKind.values
    }
    Customer.objects.filter(pk=book.customer.pk).update(
        category=items["category"],
        industry=items["industry"],
        source=items["source"],
        region=items["region"],
    )
    rows = book.rows
    for key, field, kind in (
        ("interactions", "kind", "interaction"),
        ("opportunities", "stage", "opportunity_stage"),
        ("expenses", "type", "expense_type"),
    ):
        type(rows[key]).objects.filter(pk=rows[key].pk).update(**{field: items[kind]})
    for key in ("expenses", "attachments"):
        type(rows[key]).objects.filter(pk=rows[key].pk).update(created_by=None)
    contact = ContactFactory(customer=book.customer, is_primary=True)
    SocialRelation.objects.create(
        contact=contact, relation_type=items["relation"], person_name="Old Classmate"
    )
    ShareFactory(customer=book.customer, user=company.deputy, shared_by=company.rep)
    ShareFactory(customer=book.other, department=company.support, shared_by=company.rep)
    CustomerFactory(name="Unclaimed Pool Customer", created_by=company.marketer)
    CustomerFactory(name="Deleted Customer", deleted_at=timezone.now())
    book.back_in_pool = CustomerFactory(name="Back In The Pool", created_by=company.junior)
    for key in reversed(MODULES):  # a contract's payments before the contract
        record = book.other_rows[key]
        registry.module_for(key).service.delete(company.rep, record, with_dependents=True)
    return book
