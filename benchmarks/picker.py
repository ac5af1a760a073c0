"""The customer picker of the module pages (records.picker) for a person who owns
PICKER_OWNED customers: the heavy user is given that many unclaimed customers inside a
transaction that is rolled back afterwards, so the dataset stays as generated.

Keywords are drawn by the run's seed from the names of the customers the person then
owns (1 to 4 characters of a name, from any position), plus no keyword at all. Each answer
is checked against the same selection read naively: their customers whose folded name
holds the keyword, the first PICKS in name order."""

import re

PICKER_OWNED = 100_000
PICKER_KEYWORDS = 12
MODULE = "quotes"  # owner-only: the picker offers exactly the person's customers


def _keywords(rng, names):
    drawn = [""]
    for _attempt in range(100 * PICKER_KEYWORDS):  # a tiny company has few distinct ones
        if len(drawn) > PICKER_KEYWORDS:
            break
        name = rng.choice(names)
        size = rng.randint(1, min(4, len(name)))
        start = rng.randrange(len(name) - size + 1)
        keyword = name[start : start + size].strip()
        if keyword and keyword not in drawn:
            drawn.append(keyword)
    return drawn


def _expected(user, keyword):
    from customers.models import Customer
    from customers.normalize import fold
    from records.picker import PICKS

    rows = Customer.live.filter(owner_id=user.pk, search_name__contains=fold(keyword))
    return list(rows.order_by("sort_name", "id").values_list("name", flat=True)[:PICKS])


def _shown(response):
    from html import unescape

    found = re.findall(r'data-testid="pick-customer">([^<]+)', response.content.decode())
    return [unescape(name).strip() for name in found]


def measure_picker(runner, people, rng, *, target, client_for, ok, log_row):
    from django.db import transaction

    from customers.models import Customer

    user = people["heavy"]
    client = client_for(user)
    rows = []
    with transaction.atomic():
        free = Customer.live.filter(owner__isnull=True).order_by().values_list("pk", flat=True)
        free = list(free[: PICKER_OWNED * 3])
        given = rng.sample(free, min(PICKER_OWNED, len(free)))
        for start in range(0, len(given), 5000):
            Customer.objects.filter(pk__in=given[start : start + 5000]).update(owner=user)
        owned = Customer.live.filter(owner_id=user.pk).count()
        # Names of customers drawn at random from theirs, not the first ones in some
        # index's order (which would all be Latin, or all of one region).
        mine = list(Customer.live.filter(owner_id=user.pk).values_list("pk", flat=True))
        drawn = rng.sample(mine, min(2000, len(mine)))
        names = list(Customer.objects.filter(pk__in=drawn).values_list("name", flat=True))
        keywords = _keywords(rng, names)
        for keyword in keywords:

            def call(rep, keyword=keyword):
                return ok(client.get(f"/records/{MODULE}/new/", {"q": keyword}), "picker")

            figures, answer = runner.time(call)
            expected = _expected(user, keyword)
            got = _shown(answer)
            problems = [] if got == expected else [f"showed {got[:5]}, expected {expected[:5]}"]
            rows.append(
                {
                    "key": f"picker:{keyword}",
                    "section": "picker",
                    "label": f"customer picker, {owned:,} of mine, "
                    + (f"“{keyword}” ({len(expected)} shown)" if keyword else "no keyword"),
                    "request": f"GET /records/{MODULE}/new/?q=…",
                    "target": target,
                    **figures,
                    "problems": problems,
                }
            )
            log_row(rows[-1])
        transaction.set_rollback(True)  # the dataset stays as generated
    return rows
