"""The chart include (templates/core/_chart.html): the chart's data as a JSON island for
static/app/charts.js, a label for screen readers, and the same numbers as a table whose
numbers link only to paths on this site."""

import json
import re
from html.parser import HTMLParser

from django.template import Context, Template
from django.utils import translation

SAMPLE = {
    "id": "stages",
    "title": 'Contracts by stage <"won" & lost>',
    "data": {
        "kind": "bar",
        "categories": ["Won", "Lost", "Negotiation", "签约</script>"],
        "series": [
            {
                "name": "Amount",
                "values": [120, 80.5, None, 7],
                "links": ["/records/contracts/?stage=won", "//elsewhere.example/", None, "/x"],
            },
            {"name": "Count", "values": [3, 2, 1, 12345]},
        ],
        "unit": "",
        "horizontal": False,
    },
}


def render(chart):
    """The include in English, whatever language an earlier test left active (Chinese
    numbers have no thousands separator)."""
    template = Template('{% include "core/_chart.html" with chart=chart %}')
    with translation.override("en"):
        return template.render(Context({"chart": chart}))


class Table(HTMLParser):
    """The table's body as rows of cells; each cell is (text, href of its link or None)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.rows, self.cell, self.in_body = [], None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("th", "td"):
            self.cell = ["", None]
        elif self.cell is not None and tag == "a":
            self.cell[1] = dict(attrs)["href"]

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif self.cell is not None and tag in ("th", "td"):
            self.rows[-1].append((" ".join(self.cell[0].split()), self.cell[1]))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def chart_div(html):
    return re.search(r"<div data-chart=[^>]*>", html).group(0)


def test_the_data_is_a_json_island_the_chart_names():
    html = render(SAMPLE)
    island = re.search(
        r'<script id="stages-data" type="application/json">(.*?)</script>', html, re.S
    ).group(1)
    assert json.loads(island) == SAMPLE["data"]
    assert "签约</script>" not in island  # escaped: the island cannot be closed early
    assert 'data-chart="stages-data"' in chart_div(html)
    assert 'data-testid="chart-stages"' in chart_div(html)


def test_the_chart_is_an_image_labelled_with_its_title():
    html = render(SAMPLE)
    div = chart_div(html)
    assert 'role="img"' in div and 'class="app-chart"' in div
    assert 'aria-label="Contracts by stage &lt;&quot;won&quot; &amp; lost&gt;"' in div
    assert "<figcaption" in html and "Contracts by stage &lt;" in html
    # The caption is the title, unless one is given.
    assert "<caption>Contracts by stage &lt;" in html
    assert "<caption>Amounts</caption>" in render({**SAMPLE, "table_caption": "Amounts"})


def test_the_table_has_a_row_per_category_and_a_column_per_series():
    html = render(SAMPLE)
    assert re.search(r"<details[^>]*>\s*<summary>Show as table</summary>", html)
    headings = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert headings == ["Amount", "Count"]
    labelled = render({**SAMPLE, "category_label": "Stage"})
    assert re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', labelled) == [
        "Stage",
        "Amount",
        "Count",
    ]
    rows = [[text for text, _ in row] for row in Table(html).rows]
    assert rows == [
        ["Won", "120", "3"],
        ["Lost", "80.50", "2"],
        ["Negotiation", "–", "1"],
        ["签约</script>", "7", "12,345"],
    ]


def test_a_number_links_only_to_a_path_on_this_site():
    links = [[href for _, href in row] for row in Table(render(SAMPLE)).rows]
    assert links == [
        [None, "/records/contracts/?stage=won", None],
        [None, None, None],  # "//elsewhere.example/" leads off the site
        [None, None, None],
        [None, "/x", None],
    ]
    # Neither another site, nor a scheme, nor what a browser reads as "//".
    for link in [
        "https://elsewhere.example/",
        "javascript:alert(1)",
        "/\\elsewhere.example",
        "/\t/elsewhere.example",
        " /x",
        "x",
        "",
    ]:
        data = {**SAMPLE["data"], "series": [{"name": "A", "values": [1], "links": [link]}]}
        html = render({**SAMPLE, "data": {**data, "categories": ["One"]}})
        assert Table(html).rows == [[("One", None), ("1", None)]], link


def test_a_unit_follows_each_number_and_short_lists_leave_cells_empty():
    data = {
        "kind": "pie",
        "categories": ["A", "B", "C"],
        "series": [{"name": "Share", "values": [40, 60], "links": ["/a"]}],
        "unit": "%",
    }
    rows = Table(render({"id": "share", "title": "Share", "data": data})).rows
    assert rows == [
        [("A", None), ("40%", "/a")],
        [("B", None), ("60%", None)],
        [("C", None), ("", None)],
    ]
