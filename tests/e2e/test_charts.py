"""Charts (templates/core/_chart.html drawn by static/app/charts.js with Apache ECharts) in a
real Chromium, under the app's own Content-Security-Policy.

No view shows a chart yet, so each test renders the include with Django's template engine
into a small page and answers every request of the browser itself (page.route): the page,
the real static files from static/, and the local addresses a chart links to. Nothing
listens on ORIGIN and nothing else is fetched. These tests take no screenshots (the `page`
fixture of conftest.py would take one): they open their own context."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from playwright.sync_api import expect

from tests.e2e.conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

ORIGIN = "http://127.0.0.1:9"  # the discard port: every request is answered by the test
STATIC = Path(settings.BASE_DIR) / "static"
TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

SALES = {
    "id": "sales",
    "title": "Contract amount by stage",
    "data": {
        "kind": "bar",
        "categories": ["Won", "Lost", "Negotiation"],
        "series": [
            {
                "name": "Amount",
                "values": [120, 80, 60],
                "links": ["/x?stage=won", "//elsewhere.example/", None],
            }
        ],
        "unit": "",
        "horizontal": False,
    },
}
# Long names at phone width: the labels turn, and are cut with "…".
LONG = {
    "id": "long",
    "title": "按负责人统计的合同金额",
    "data": {
        "kind": "stacked",
        "categories": [f"华东区域销售部第{n}组负责人 Zhang San the {n}th" for n in range(1, 9)],
        "series": [
            {"name": "已签约", "values": [5, 3, 8, 1, 9, 4, 2, 6], "links": []},
            {"name": "谈判中", "values": [2, 2, 1, 4, 3, 1, 5, 2]},
        ],
        "unit": " 万元",
        "horizontal": False,
    },
}


def csp_header():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def html(*charts):
    body = "".join(render_to_string("core/_chart.html", {"chart": chart}) for chart in charts)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/vendor/bootstrap.min.css">'
        '<link rel="stylesheet" href="/static/app/app.css">'
        '<script src="/static/vendor/echarts.min.js" defer></script>'
        '<script src="/static/app/charts.js" defer></script>'
        f'</head><body><main id="main" class="container-fluid">{body}</main></body></html>'
    )


class Site:
    """Answers the browser's requests: the page under test, static/, and any other local
    path with a small page that says which it is. `visited` lists the pages asked for."""

    def __init__(self, page_html):
        self.page_html = page_html
        self.visited = []
        self.outside = []

    def __call__(self, route):
        url = urlsplit(route.request.url)
        if f"{url.scheme}://{url.netloc}" != ORIGIN:
            self.outside.append(route.request.url)
            return route.abort()
        headers = {"Content-Security-Policy": csp_header()}
        if url.path.startswith("/static/"):
            file = STATIC / url.path.removeprefix("/static/")
            if not file.is_file():
                return route.fulfill(status=404, body="")
            headers["Content-Type"] = TYPES.get(file.suffix, "application/octet-stream")
            return route.fulfill(status=200, headers=headers, body=file.read_bytes())
        self.visited.append(url.path + (f"?{url.query}" if url.query else ""))
        body = self.page_html if url.path == "/" else f"<!doctype html><p>{url.path}</p>"
        headers["Content-Type"] = "text/html; charset=utf-8"
        return route.fulfill(status=200, headers=headers, body=body)


@pytest.fixture
def open_page(browser):
    """`open_page(*charts, width=1280, **context options)` → a page showing those charts,
    each drawn (a canvas in it). At the end, nothing was blocked by the CSP, no script
    failed and nothing was fetched from elsewhere."""
    contexts, problems, sites = [], [], []

    def open_(*charts, width=1280, **options):
        context = browser.new_context(viewport={"width": width, "height": 900}, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        site = Site(html(*charts))
        sites.append(site)
        context.route("**/*", site)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda message: (
                problems.append(message.text)
                if message.type == "error" or "Content Security Policy" in message.text
                else None
            ),
        )
        page.goto(f"{ORIGIN}/")
        for chart in charts:
            expect(page.get_by_test_id(f"chart-{chart['id']}").locator("canvas")).to_have_count(1)
        page.site = site
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, f"the page reported: {problems}"
    assert not [url for site in sites for url in site.outside], "the page fetched from elsewhere"


def point(page, chart_id, category, value):
    """Where on the screen the chart draws (category, value) of its first series."""
    x, y = page.evaluate(
        """([id, category, value]) => echarts
            .getInstanceByDom(document.querySelector(`[data-testid=chart-${id}]`))
            .convertToPixel({seriesIndex: 0}, [category, value])""",
        [chart_id, category, value],
    )
    box = page.get_by_test_id(f"chart-{chart_id}").bounding_box()
    return box["x"] + x, box["y"] + y


def option(page, chart_id):
    return page.evaluate(
        """id => echarts.getInstanceByDom(document.querySelector(`[data-testid=chart-${id}]`))
            .getOption()""",
        chart_id,
    )


def test_a_bar_with_a_local_link_leads_there_and_one_without_leads_nowhere(open_page):
    # Without motion the bars stand at their height at once: a click aimed at a growing bar
    # missed it now and then.
    page = open_page(SALES, reduced_motion="reduce")
    # "Lost" links to another host: clicking its bar does nothing.
    page.mouse.click(*point(page, "sales", 1, 40))
    page.wait_for_timeout(300)
    assert page.url == f"{ORIGIN}/"
    # "Won" links to a path on this site.
    page.mouse.click(*point(page, "sales", 0, 60))
    page.wait_for_url(f"{ORIGIN}/x?stage=won")
    assert page.site.visited == ["/", "/x?stage=won"]


def test_the_table_holds_the_numbers_and_the_local_link_only(open_page):
    page = open_page(SALES)
    table = page.get_by_test_id("chart-table-sales")
    expect(table.locator("table")).to_be_hidden()
    table.locator("summary").click()
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody a")).to_have_count(1)
    expect(table.locator("tbody a")).to_have_attribute("href", "/x?stage=won")


def test_at_phone_width_long_labels_turn_and_the_page_keeps_its_width(open_page):
    page = open_page(LONG, width=390)
    chart = page.get_by_test_id("chart-long")
    assert 250 <= chart.bounding_box()["height"] <= 270
    axis = option(page, "long")["xAxis"][0]["axisLabel"]
    assert axis["rotate"] in (45, 90) and axis["overflow"] == "truncate"
    assert axis["width"] <= 110
    assert option(page, "long")["legend"], "two series, and no legend"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Wider, the same chart is redrawn to its new width.
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(chart.locator("canvas")).to_have_js_property(
        "clientWidth", int(chart.bounding_box()["width"])
    )


def test_printing_redraws_at_once_at_the_papers_width_and_shows_the_table(open_page):
    page = open_page(SALES, width=1000)
    table = page.get_by_test_id("chart-table-sales").locator("table")
    # Before the page is laid out for paper the chart is redrawn to its new width there and
    # then: printing draws no frame in between.
    widths = page.evaluate(
        """() => {
            const figure = document.querySelector("[data-testid=figure-sales]");
            figure.style.width = "600px";
            window.dispatchEvent(new Event("beforeprint"));
            const canvas = figure.querySelector("canvas");
            return [canvas.clientWidth, document.querySelector("details").open];
        }"""
    )
    assert widths == [600, True]
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(table).to_be_hidden()
    # On paper the table shows even where no script opened it.
    page.emulate_media(media="print")
    expect(table).to_be_visible()


def test_a_chart_htmx_swaps_in_is_drawn_and_reduced_motion_turns_animation_off(open_page):
    page = open_page(SALES, reduced_motion="reduce")
    assert option(page, "sales")["animation"] is False
    fragment = render_to_string("core/_chart.html", {"chart": {**LONG, "id": "later"}})
    page.evaluate(
        """fragment => {
            document.querySelector("main").insertAdjacentHTML("beforeend", fragment);
            document.body.dispatchEvent(new CustomEvent("htmx:afterSettle", {bubbles: true}));
        }""",
        fragment,
    )
    expect(page.get_by_test_id("chart-later").locator("canvas")).to_have_count(1)
