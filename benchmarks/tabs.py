"""A customer's tabs (SPEC L1–L5 on the detail tabs) for a customer worked for years: one
of the heavy user's customers is given TAB_ROWS interactions, quotes (with lines),
contacts, shares and history entries inside a transaction that is rolled back afterwards,
so the dataset stays as generated.

Each tab is read as the page reads it (the HTMX request for the tab pane): the first page,
every order the tab offers, the last page, and on the searchable tabs a keyword drawn by
the run's seed from the rows, and one in no row. Every answer is checked against the same
selection made naively in Python from all the tab's rows: the page's ids (its total for
the history, whose rows have none)."""

import datetime
import math
import re

TAB_ROWS = {"interactions": 5000, "quotes": 1000, "contacts": 500, "shares": 300, "history": 3000}
PAGE_SIZE = 20
TOPICS = (
    "电话回访",
    "上门拜访",
    "产品演示",
    "商务谈判",
    "Quarterly review",
    "Site visit",
    "报价跟进",
)
ABSENT = "zz无此词zz"


def _when(rng, now):
    return now - datetime.timedelta(seconds=rng.randrange(5 * 365 * 86400))


def _fill(customer, people, rng):
    """The tab rows of a customer worked for years, made at once (bulk_create)."""
    from django.utils import timezone

    from activities.models import Interaction
    from customers.models import Contact, OwnershipEvent, Share
    from customers.models.events import OwnershipAction
    from customers.normalize import fold
    from sales.models import Quote, QuoteLine
    from settings_app.models import DictionaryItem

    now = timezone.now()
    owner = customer.owner
    kinds = list(DictionaryItem.objects.filter(kind="interaction"))
    Interaction.objects.bulk_create(
        Interaction(
            customer=customer,
            created_by=owner,
            happened_at=_when(rng, now),
            kind=rng.choice(kinds),
            subject=f"{rng.choice(TOPICS)} {i}",
            content=f"{rng.choice(TOPICS)}：第{i}次记录",
            next_follow_up=_when(rng, now).date(),
        )
        for i in range(TAB_ROWS["interactions"])
    )
    quotes = Quote.objects.bulk_create(
        Quote(
            customer=customer,
            created_by=owner,
            number=f"BQ-{customer.pk}-{i:05d}",
            date=_when(rng, now).date(),
            status=rng.choice(Quote.Status.values),
            notes=rng.choice(TOPICS),
        )
        for i in range(TAB_ROWS["quotes"])
    )
    QuoteLine.objects.bulk_create(
        QuoteLine(
            quote=quote,
            product=rng.choice(TOPICS),
            quantity=rng.randint(1, 50),
            unit_price=rng.randint(1, 99999),
        )
        for quote in quotes
        for _line in range(3)
    )
    names = [
        f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice('伟芳娜敏静丽强磊军洋')}{i}"
        for i in range(TAB_ROWS["contacts"])
    ]
    Contact.objects.bulk_create(
        Contact(
            customer=customer,
            name=name,
            search_name=fold(name),
            title=rng.choice(TOPICS),
            mobile=f"139{rng.randrange(10**8):08d}",
        )
        for name in names
    )
    others = [p for p in people if p.pk != owner.pk][: TAB_ROWS["shares"]]
    Share.objects.bulk_create(Share(customer=customer, user=p, shared_by=owner) for p in others)
    actions = [OwnershipAction.CLAIM, OwnershipAction.RETURN, OwnershipAction.ASSIGN]
    events = OwnershipEvent.objects.bulk_create(
        OwnershipEvent(
            customer=customer,
            action=rng.choice(actions),
            actor=rng.choice(people),
            reason=rng.choice(TOPICS),
        )
        for _i in range(TAB_ROWS["history"])
    )
    # `at` is set on creation: spread the entries over the years.
    for event in events:
        event.at = _when(rng, now)
    OwnershipEvent.objects.bulk_update(events, ["at"], batch_size=1000)


# ----------------------------------------------------------------------------- the naive way


def _ordered(rows, keys):
    """`rows` (dicts) sorted by `keys` ("-date", "name", …) as the database sorts them
    (texts by code point), ties by id as core.listing.in_one_order breaks them."""
    keys = list(keys)
    if not {"id", "-id", "pk", "-pk"} & set(keys):
        keys.append("id")
    for key in reversed(keys):
        field = key.lstrip("-").replace("pk", "id")
        rows = sorted(rows, key=lambda row, f=field: row[f], reverse=key.startswith("-"))
    return rows


def _matching(rows, keyword, fields):
    """Rows holding `keyword` in any of `fields` in any case; the customer's name (on every
    row of a record tab) as the record FilterSets compare it, folded."""
    from customers.normalize import fold

    lowered, folded = keyword.casefold(), fold(keyword)
    return [
        r
        for r in rows
        if any(
            (folded in r[f]) if f == "customer_name" else (lowered in str(r[f] or "").casefold())
            for f in fields
        )
    ]


class Tab:
    """One tab of the customer: its rows as dicts with what they are sorted and searched
    by, the orders it offers (parameter → column) and its default order."""

    def __init__(self, key, rows, sorts, default, search=()):
        self.key, self.rows, self.sorts = key, rows, sorts
        self.default, self.search = default, search

    def expected(self, params):
        rows = self.rows
        if params.get("search"):
            rows = _matching(rows, params["search"], self.search)
        ordering = params.get("ordering")
        keys = self.default
        if ordering:
            column = self.sorts[ordering.lstrip("-")]
            keys = [("-" if ordering.startswith("-") else "") + column]
        rows = _ordered(rows, keys)
        page = int(params.get("page", 1))
        return rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE], len(rows)


def _person(user):
    """The name a share's columns sort a person by (customers.filtersets.person_name)."""
    return user.display_name or user.username


def _tabs(customer):
    """The tabs measured, read naively from every row."""
    from activities.models import Interaction
    from customers.models import Contact, Share
    from sales.models import Quote, QuoteLine

    name = customer.search_name
    interactions = [
        {**row, "customer_name": name}
        for row in Interaction.objects.filter(customer=customer).values(
            "id", "happened_at", "subject", "content", "next_follow_up"
        )
    ]
    products = {}
    for quote_id, product in QuoteLine.objects.filter(quote__customer=customer).values_list(
        "quote_id", "product"
    ):
        products[quote_id] = f"{products.get(quote_id, '')}\n{product}"
    quotes = [
        {**row, "products": products.get(row["id"], ""), "customer_name": name}
        for row in Quote.objects.filter(customer=customer).values(
            "id", "number", "date", "total", "status", "notes"
        )
    ]
    contacts = list(
        Contact.objects.filter(customer=customer).values(
            "id", "is_primary", "name", "title", "mobile", "phone", "email"
        )
    )
    shares = [
        {
            "id": share.pk,
            "shared_with": _person(share.user) if share.user else share.department.name,
            "sharer": _person(share.shared_by),
            "created_at": share.created_at,
        }
        for share in Share.objects.filter(customer=customer).select_related(
            "user", "department", "shared_by"
        )
    ]
    return [
        Tab(
            "interactions",
            interactions,
            {
                "happened_at": "happened_at",
                "subject": "subject",
                "customer": "customer_name",
                "next_follow_up": "next_follow_up",
            },
            ["-happened_at", "-id"],
            ("subject", "content", "customer_name"),
        ),
        Tab(
            "quotes",
            quotes,
            {"number": "number", "date": "date", "total": "total", "status": "status"},
            ["-date", "-id"],
            ("number", "notes", "products", "customer_name"),
        ),
        Tab(
            "contacts",
            contacts,
            {f: f for f in ("name", "title", "mobile", "phone", "email")},
            ["-is_primary", "name", "id"],
            ("name", "title", "mobile", "phone", "email"),
        ),
        Tab(
            "shares",
            shares,
            {"shared_with": "shared_with", "sharer": "sharer", "since": "created_at"},
            ["id"],
            ("shared_with", "sharer"),
        ),
    ]


def _history(customer):
    """The history tab's entries, naively: this customer's ownership events as the tab
    shows them (when, to the minute, and who), newest first. The generated customers have
    no field edits."""
    from django.utils import timezone

    from customers.models import OwnershipEvent

    events = OwnershipEvent.objects.filter(customer=customer).select_related("actor")
    return [
        {
            "id": event.pk,
            "at": event.at,
            "when": timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M"),
            "actor": event.actor.label if event.actor else "",
            "reason": event.reason,
        }
        for event in events
    ]


IDS = re.compile(r'name="ids" value="(\d+)"')
HISTORY_ROW = re.compile(
    r'<td class="text-nowrap">([^<]*)</td>\s*<td>.*?</td>\s*<td>([^<]*)</td>', re.DOTALL
)


def _requests(tab, rng):
    """The queries measured on a tab: first page, each order (the first one both ways),
    the last page, a keyword drawn from a row's searched text and one in no row."""
    queries = [{}]
    for index, param in enumerate(tab.sorts):
        queries.append({"ordering": param})
        if index == 0:
            queries.append({"ordering": f"-{param}"})
    pages = max(1, math.ceil(len(tab.rows) / PAGE_SIZE))
    queries.append({"page": str(pages)})
    if tab.search:
        row = rng.choice(tab.rows)
        words = [w for f in tab.search if f != "customer_name" for w in str(row[f]).split()]
        word = rng.choice(words)
        size = rng.randint(2, max(2, min(4, len(word))))
        start = rng.randrange(max(1, len(word) - size + 1))
        queries.append({"search": word[start : start + size]})
        queries.append({"search": ABSENT})
    return queries


def _shown_history(response):
    from html import unescape

    found = HISTORY_ROW.findall(response.content.decode())
    return [(unescape(when).strip(), unescape(actor).strip()) for when, actor in found]


def _history_expected(entries, params):
    ordering = params.get("ordering", "")
    rows = sorted(entries, key=lambda e: e["at"], reverse=True)  # the tab's own order
    if ordering:
        field = ordering.lstrip("-")
        rows = sorted(rows, key=lambda e: e[field], reverse=ordering.startswith("-"))
    page = int(params.get("page", 1))
    rows = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return [(e["when"], e["actor"]) for e in rows]


def measure_tabs(runner, people, rng, *, target, client_for, ok, log_row):
    from django.db import transaction

    from customers.models import Customer
    from org.models import User

    user = people["heavy"]
    client = client_for(user)
    headers = {"HX-Request": "true", "HX-Target": "tab-pane"}
    rows = []

    def measure(key, label, params, check):
        url = f"/customers/{customer.pk}/"

        def call(rep):
            return ok(client.get(url, {"tab": key, **params}, headers=headers), key)

        figures, answer = runner.time(call)
        problems = check(answer)
        described = ", ".join(f"{k}={v}" for k, v in params.items()) or "first page"
        rows.append(
            {
                "key": f"tab:{key}:{described}",
                "section": "tabs",
                "label": f"{label} tab, {described}",
                "request": f"GET /customers/{{id}}/?tab={key}&…",
                "target": target,
                **figures,
                "problems": problems,
            }
        )
        log_row(rows[-1])

    with transaction.atomic():
        customer = Customer.live.filter(owner_id=user.pk).order_by("pk").first()
        colleagues = list(User.objects.filter(is_active=True).exclude(pk=user.pk)[:500])
        _fill(customer, colleagues, rng)
        for tab in _tabs(customer):
            label = f"{tab.key} ({len(tab.rows):,})"
            for params in _requests(tab, rng):
                expected, _total = tab.expected(params)

                def check(answer, expected=expected):
                    got = [int(i) for i in IDS.findall(answer.content.decode())]
                    want = [row["id"] for row in expected]
                    return [] if got == want else [f"showed {got[:5]}, expected {want[:5]}"]

                measure(tab.key, label, params, check)
        entries = _history(customer)
        label = f"history ({len(entries):,})"
        pages = max(1, math.ceil(len(entries) / PAGE_SIZE))
        for params in ({}, {"ordering": "at"}, {"ordering": "actor"}, {"page": str(pages)}):
            expected = _history_expected(entries, params)

            def check(answer, expected=expected):
                got = _shown_history(answer)
                return [] if got == expected else [f"showed {got[:3]}, expected {expected[:3]}"]

            measure("history", label, params, check)
        transaction.set_rollback(True)  # the dataset stays as generated
    return rows
