"""What the schema fuzzer (test_api_schema.py) found, each as the one request that shows it.

`documented(...)` sends a request through the WSGI application and checks its answer as the
fuzzer does: no 5xx, and the body as the schema describes it."""

import pytest
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from customers.testing import CustomerFactory
from records.testing import MODULES

pytestmark = pytest.mark.django_db


@pytest.fixture
def documented(schema, token):
    """`documented(user, method, path, **request)` → the answer, once it is known to be no
    server error and to match the schema. `request`: path_parameters, query, body."""

    def send(user, method, path, **request):
        if "body" in request:
            request["media_type"] = "application/json"
        case = schema[path][method].Case(**request)
        return case.call_and_validate(
            headers={"Authorization": f"Token {token(user)}"},
            checks=[not_a_server_error, response_schema_conformance],
        )

    return send


# ---------------------------------------------------------------- fixed


def test_a_customer_without_dictionary_items_is_documented(company, documented):
    # Its category_name, industry_name, source_name and region_name are null; the schema
    # said strings.
    bare = CustomerFactory(name="No Items Yet", owner=company.rep)
    path = {"id": bare.pk}
    answer = documented(company.rep, "GET", "/api/customers/{id}/", path_parameters=path)
    assert answer.json()["category_name"] is None
    answer = documented(company.rep, "GET", "/api/pool/{id}/", path_parameters=path)
    assert answer.json()["category"] is None
    documented(company.rep, "GET", "/api/mine/")
    documented(company.rep, "GET", "/api/pool/")
    documented(company.rep, "GET", "/api/shared/")


def test_records_without_items_or_writer_are_documented(company, alpha, documented):
    # Rows without a kind, stage or type, and rows whose writer is unknown (created_by is
    # null): kind_name, stage_name, type_name, created_by_name and uploaded_by are null,
    # which the schema did not allow.
    for key, row in alpha.rows.items():
        type(row).objects.filter(pk=row.pk).update(created_by=None)
        path = {"customer_pk": alpha.pk, "id": row.pk}
        documented(
            company.rep,
            "GET",
            f"/api/customers/{{customer_pk}}/{key}/{{id}}/",
            path_parameters=path,
        )
        documented(company.rep, "GET", f"/api/{key}/")


def test_duplicates_answer_a_list_as_documented(company, world, documented):
    # The schema called it a page ({"count", "results"}); it is a plain list.
    answer = documented(
        company.rep, "GET", "/api/customers/duplicates/", query={"name": "Customer"}
    )
    assert isinstance(answer.json(), list) and answer.json()


@pytest.mark.parametrize("claim", [False, True])
def test_a_new_customer_in_the_pool_is_documented(company, documented, claim):
    # Unclaimed, it is answered with the pool's fields; the schema said the full record.
    body = {"name": f"Fresh Trading {claim}", "claim": claim}
    answer = documented(company.rep, "POST", "/api/pool/", body=body)
    assert answer.status_code == 201
    assert ("notes" in answer.json()) is claim


def test_a_shared_row_that_is_not_readable_is_documented(company, world, documented):
    # A customer rep's subordinate created, back in the pool: every field outside the
    # public ones is null, which the schema did not allow.
    answer = documented(company.manager, "GET", "/api/shared/")
    rows = {row["id"]: row for row in answer.json()["results"]}
    back = rows[world.back_in_pool.pk]
    assert back["readable"] is False and back["notes"] is None and back["version"] is None


@pytest.mark.parametrize("ordering", ["category,-status", ",", ",,,,", "-name,"])
@pytest.mark.parametrize("listing", ["/api/pool/", "/api/mine/", "/api/shared/"])
def test_customer_lists_sort_by_the_first_name_of_a_list(company, world, api, listing, ordering):
    # The lists' paging read the whole parameter as one name: a 500 (StopIteration).
    first = ordering.split(",")[0]
    answer = api(company.rep).get(listing, {"ordering": ordering})
    assert answer.status_code == 200, answer.content[:300]
    alone = api(company.rep).get(listing, {"ordering": first})
    assert [r["id"] for r in answer.json()["results"]] == [r["id"] for r in alone.json()["results"]]


def rows(answer):
    body = answer.json()
    return body["results"] if isinstance(body, dict) else body


def record_lists(customer):
    tabs = [f"/api/customers/{customer.pk}/{tab}/" for tab in (*MODULES, "contacts", "shares")]
    return [*(f"/api/{key}/" for key in MODULES), *tabs]


@pytest.mark.parametrize("ordering", [",", ",,,,"])
def test_an_ordering_of_no_names_keeps_the_lists_own_order(company, world, api, ordering):
    # django-filter ordered by nothing at all: Django warns that an unordered list pages at
    # random (rows on two pages, or on none), an error under test.
    for url in record_lists(world.customer):
        answer = api(company.rep).get(url, {"ordering": ordering})
        assert answer.status_code == 200, (url, answer.content[:300])
        assert rows(answer) == rows(api(company.rep).get(url)), url


@pytest.mark.parametrize("customer", ["99999999999999999999", "-1", "0", "1.5", "1e3"])
def test_the_audit_trail_refuses_a_customer_id_no_row_can_have(company, api, customer):
    # A number too big for a key was a 500 on SQLite (OverflowError); 1.5 was row 1.
    answer = api(company.admin).get("/api/audit/", {"customer": customer})
    assert answer.status_code == 400, answer.content[:300]
    assert "customer" in answer.json()


def test_the_audit_trail_filters_by_customer(company, world, api):
    answer = api(company.admin).get("/api/audit/", {"customer": world.customer.pk})
    assert answer.status_code == 200


def test_people_as_a_salesperson_sees_them_are_documented(company, documented):
    documented(company.rep, "GET", "/api/users/")


def test_a_customers_recycle_bin_is_documented(company, world, documented):
    path = {"customer_pk": world.other.pk}
    documented(
        company.rep, "GET", "/api/customers/{customer_pk}/recycle-bin/", path_parameters=path
    )


def test_a_module_list_refuses_a_customer_id_no_row_can_have(company, api):
    answer = api(company.rep).get("/api/contracts/", {"customer": "99999999999999999999"})
    assert answer.status_code == 400, answer.content[:300]


def test_an_opportunity_patched_to_no_stage_still_names_its_stage_as_none(company, world, api):
    """PATCH with "stage": null answered without `stage_name` (DRF skips a dotted source
    through None in a partial update), which the schema says is always there."""
    row = world.rows["opportunities"]
    url = f"/api/customers/{row.customer_id}/opportunities/{row.pk}/"
    answer = api(company.rep).patch(url, {"stage": None}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["stage_name"] is None
