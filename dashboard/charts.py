"""A chart as static/app/charts.js draws it (and templates/core/_chart.html tables it), for
the home page and the reports alike."""


def data(kind, categories, series, **options):
    """{kind bar|stacked|line|pie|funnel, categories, series, options such as horizontal}."""
    return {"kind": kind, "categories": categories, "series": series, **options}


def series(name, values, links=None):
    """One series: its values, one per category, and the local link of each (or None)."""
    return {"name": name, "values": values, "links": links or [None] * len(values)}
