"""Schema fuzzing of the REST API: every operation of the OpenAPI document (/api/schema/),
as a salesperson, a supervisor and an administrator, with requests schemathesis generates
from it — valid ones and invalid ones — sent in-process to the WSGI application, against a
small company whose customers carry rows of every record module (conftest.world). No
answer may be a 5xx, and every answer must match the schema.

Each request runs in a savepoint that is rolled back, so every request meets the same data:
a failure is reproduced by its request alone (test_regressions.py holds those found so
far), the run is the same on every machine (a fixed number of examples, derandomized), and
a request that ends the fuzzing user's tokens (DELETE /api/auth/token/, POST
/api/auth/sign-out-everywhere/) or deactivates the user is fuzzed like any other without
spoiling the requests after it."""

import itertools
import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from customers.models import Contact, Customer, Share, SocialRelation
from org.models import User
from org.testing import PASSWORD
from records import registry
from settings_app.models import DictionaryItem, DictionaryKind

pytestmark = pytest.mark.django_db

ROLES = {"salesperson": "rep", "supervisor": "manager", "administrator": "admin"}

# Hypothesis settings of these tests alone (no profile is loaded or registered, so the
# other Hypothesis tests run as they always did). About 140 operations × 3 roles × this
# many examples take about a minute and a half on two cores.
FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    # The checks are for a function's own data; requests are bounded by max_examples.
    suppress_health_check=list(HealthCheck),
)


def known_values():
    """{segment: values}: what a path parameter after that segment names here."""
    managers = {
        "customers": Customer.objects,  # with those in the recycle bin
        "pool": Customer.objects,
        "contacts": Contact.objects,
        "relations": SocialRelation.objects,
        "shares": Share.objects,
        "users": User.objects,
        "{kind}": DictionaryItem.objects,
    }
    for module in registry.modules():
        managers[module.key] = module.model.everything  # with those in the recycle bin
    known = {segment: sorted(m.values_list("pk", flat=True)) for segment, m in managers.items()}
    known["dictionary"] = list(DictionaryKind.values)
    return known


def parameters_naming_rows(path, known):
    """{parameter: values} for each parameter of `path` that names a row (or a kind)."""
    found = {}
    for before, segment in itertools.pairwise(path.strip("/").split("/")):
        name = re.fullmatch(r"\{(\w+)\}", segment)
        if name and known.get(before):
            found[name.group(1)] = known[before]
    return found


def name_rows_that_exist(schema):
    """Generated ids are mostly of rows that do not exist (a 404 before anything else is
    looked at): half the time, a path names rows that do."""
    known = known_values()

    @schema.hook
    def flatmap_path_parameters(context, parameters):
        real = parameters_naming_rows(context.operation.path, known)
        if not real:
            return st.just(parameters)
        existing = {
            **{name: st.just(value) for name, value in parameters.items()},
            **{name: st.sampled_from(values) for name, values in real.items()},
        }
        return st.just(parameters) | st.fixed_dictionaries(existing)


def fuzz(operation, role, user, key, sent):
    """Sends the operation's examples; raises what the checks found in the answers."""
    strategy = operation.as_strategy(
        generation_mode=GenerationMode.POSITIVE
    ) | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)

    def send(case):
        with transaction.atomic():
            try:
                response = case.call(headers={"Authorization": f"Token {key}"})
            finally:
                transaction.set_rollback(True)
        sent[operation.label] += 1
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    test = given(case=strategy)(send)
    if operation.label == "POST /api/auth/token/":
        # Generated credentials never match anyone's: a token is asked for with real ones.
        asked = {"username": user.username, "password": PASSWORD}
        test = example(case=operation.Case(body=asked, media_type="application/json"))(test)
    FUZZ(test)()


def run(role, reads, company, schema, token):
    """Fuzzes the reads (GET) or the writes (every other method) of the schema as `role`;
    returns the operations it ran."""
    user = getattr(company, ROLES[role])
    key = token(user)
    name_rows_that_exist(schema)
    everything = [result.ok() for result in schema.get_all_operations()]
    chosen = [operation for operation in everything if (operation.method == "get") == reads]
    sent = dict.fromkeys((operation.label for operation in chosen), 0)
    found = {}
    for operation in chosen:
        try:
            fuzz(operation, role, user, key, sent)
        except (Exception, BaseExceptionGroup) as failure:
            found[operation.label] = failure
    assert not found, "\n\n".join(f"{label}:\n{failure}" for label, failure in found.items())
    assert all(sent.values()), [label for label, count in sent.items() if not count]
    return chosen


# Reads and writes apart: six tests share two processes more evenly than three.
@pytest.mark.parametrize("role", ROLES)
def test_reads_answer_as_documented(role, company, world, schema, token):
    assert len(run(role, True, company, schema, token)) >= 40  # the API's, not a stub


@pytest.mark.parametrize("role", ROLES)
def test_writes_answer_as_documented(role, company, world, schema, token):
    assert len(run(role, False, company, schema, token)) >= 60
