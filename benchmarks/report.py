"""The benchmark's results: one JSON file per database under benchmarks/results/, and
RESULTS.md rendered from all of them."""

import json
import statistics
from pathlib import Path

ORDER = {"sqlite": 0, "postgresql": 1}
PAGES = (
    ("first", "first"),
    ("next", "next"),
    ("last", "last"),
    ("deep", "20 pages in"),
    ("jump", "jump halfway"),
)
LISTS = ("pool", "mine", "shared", "shared_rep")


def read(json_dir, vendor):
    path = Path(json_dir) / f"results-{vendor}.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing: measure this database first")
    return json.loads(path.read_text())


def write(result, json_dir, markdown_path):
    """Store `result` as results-<vendor>.json in `json_dir`, and render every stored
    result there (one per database) into `markdown_path`."""
    json_dir = Path(json_dir)
    json_dir.mkdir(parents=True, exist_ok=True)
    path = json_dir / f"results-{result['database']['vendor']}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    results = [json.loads(p.read_text()) for p in json_dir.glob("results-*.json")]
    results.sort(key=lambda r: ORDER.get(r["database"]["vendor"], 9))
    markdown_path = Path(markdown_path)
    markdown_path.write_text(render(results) + kept_sections(markdown_path))
    return path


# What follows this line in RESULTS.md is other benchmarks' (login_flood.py): kept as is.
KEPT = "<!-- Other benchmarks below this line: kept by make bench. -->"


def kept_sections(markdown_path):
    """The part of the file at `markdown_path` from the KEPT line on, or ""."""
    text = markdown_path.read_text() if markdown_path.exists() else ""
    at = text.find(KEPT)
    return "" if at < 0 else "\n\n" + text[at:]


def summary(result):
    """The headline figures of one run, each with whether it meets its target."""
    rows = result["rows"]
    timed = [r for r in rows if r["target"] == 100]
    slowest = max(timed, key=lambda r: r["p95"])
    by_key = {r["key"]: r for r in rows}
    searches = [r for r in rows if r["section"] == "search"]
    wrong = [r for r in rows if r["problems"]]
    figures = {
        "rows within target": (
            f"{sum(r['p95'] <= r['target'] for r in rows)} of {len(rows)}",
            all(r["p95"] <= r["target"] for r in rows),
        ),
        "slowest row, p95": (
            f"{_ms(slowest['p95'])} ms: {slowest['label']}",
            slowest["p95"] <= slowest["target"],
        ),
        "median row, p50": (
            f"{_ms(statistics.median(r['p50'] for r in timed))} ms",
            statistics.median(r["p50"] for r in timed) <= 30,
        ),
        "claim one, p95": (f"{_ms(by_key['claim']['p95'])} ms", by_key["claim"]["p95"] <= 20),
        "batch-assign, p95": (
            f"{_ms(by_key['assign']['p95'])} ms",
            by_key["assign"]["p95"] <= 1000,
        ),
        "quick search, median speed-up over the naive way": (
            _ratio(statistics.median(r["ratio"] for r in searches)),
            statistics.median(r["ratio"] for r in searches) >= 10,
        ),
        "exact answers (pages, totals, walks)": (
            f"{len(rows) - len(wrong)} of {len(rows)} rows",
            not wrong,
        ),
    }
    load = result.get("load")
    if load:
        figures.update(
            {
                "load run, requests/s": (f"{load['per_second']:.1f}", load["per_second"] >= 60),
                "load run, p95": (f"{_ms(load['p95'])} ms", load["p95"] <= 250),
                "load run, errors": (str(load["errors"]), load["errors"] == 0),
            }
        )
    if result.get("transfers"):
        figures.update(transfer_figures(result["transfers"]))
    if result.get("home"):
        figures.update(home_figures(result["home"]))
    return figures


def home_figures(home):
    """The home page's and the reports' figures (benchmarks.home): the slowest person's
    home page and the slowest report, each with whether it meets its target."""
    people = home["dashboard"]["p95 (ms)"]
    person = max(people, key=people.get)
    reports = home["reports"]["each report p95 (ms)"]
    slowest = max(reports, key=reports.get)
    return {
        "home page, slowest person, p95": (
            f"{_ms(people[person])} ms: {person} (of {len(people)} people)",
            people[person] <= 200,
        ),
        "reports, slowest report, p95": (
            f"{_ms(reports[slowest])} ms: {slowest} (of {len(reports)})",
            reports[slowest] <= 500,
        ),
    }


def transfer_figures(transfers):
    """The imports' and exports' figures (benchmarks.transfers), each with whether it meets
    its target."""
    imported, exports = transfers["import"], transfers["export"]
    lists = imported["list pages"]
    csv = next(e for e in exports if e["format"] == "csv")
    return {
        "import 100,000 rows, time": (f"{imported['run_s']:.0f} s", imported["run_s"] <= 60),
        "import, worker peak memory": (
            f"{imported['peak_rss_mb']} MB",
            imported["peak_rss_mb"] <= 300,
        ),
        "list pages during the import, p95 ÷ idle p95": (
            f"{lists['p95 ratio']:.2f} ({_ms(lists['during the import']['p95'])} ms ÷ "
            f"{_ms(lists['idle']['p95'])} ms)"
            + (
                f", shared_buffers {imported['shared_buffers']}"
                if "shared_buffers" in imported
                else ""
            ),
            lists["p95 ratio"] <= 2,
        ),
        "export the pool to CSV, time": (
            f"{csv['seconds']:.0f} s for {csv['rows']:,} rows",
            csv["seconds"] <= 60,
        ),
        "export, peak memory (CSV, XLSX)": (
            ", ".join(f"{e['peak_rss_mb']} MB" for e in exports),
            all(e["peak_rss_mb"] <= 300 for e in exports),
        ),
    }


TARGETS = {
    "rows within target": "every row",
    "slowest row, p95": "≤ 100 ms",
    "median row, p50": "≤ 30 ms",
    "claim one, p95": "≤ 20 ms",
    "batch-assign, p95": "≤ 1 s",
    "quick search, median speed-up over the naive way": "≥ 10×",
    "exact answers (pages, totals, walks)": "every row",
    "load run, requests/s": "≥ 60",
    "load run, p95": "≤ 250 ms",
    "load run, errors": "0",
    "import 100,000 rows, time": "≤ 60 s",
    "import, worker peak memory": "≤ 300 MB",
    "list pages during the import, p95 ÷ idle p95": "≤ 2",
    "export the pool to CSV, time": "≤ 60 s",
    "export, peak memory (CSV, XLSX)": "≤ 300 MB",
    "home page, slowest person, p95": "≤ 200 ms",
    "reports, slowest report, p95": "≤ 500 ms",
}


def render(results):
    labels = [r["database"]["label"] for r in results]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (see benchmarks/README.md); do not edit by hand. Times are",
        "wall-clock milliseconds per request through DRF's test client in one process, with",
        "a real session, against a warm database; p50 is the median and p95 the nearest-rank",
        "95th percentile of n repetitions. Each run draws its own keyword mix from the data",
        "with its seed (`make bench SEED=…` draws the same one again).",
        "",
        "## Summary",
        "",
        f"| | target | {' | '.join(labels)} |",
        f"|---|---|{'---|' * len(results)}",
    ]
    runs = [
        ("commit", lambda r: f"`{r['app']['commit']}`" + _changed(r)),
        ("seed", lambda r: str(r["seed"])),
        ("measured at", lambda r: r["measured_at"]),
        (
            "dataset",
            lambda r: (
                f"{r['dataset']['customers']:,} customers, {r['dataset']['contacts']:,} contacts"
            ),
        ),
        ("database", lambda r: f"{r['database']['label']} {r['database']['version']}"),
        ("keywords × lists", lambda r: f"{len(r['keywords'])} × 4"),
        ("load average at start → end", lambda r: " → ".join(_load(v) for v in r["load_average"])),
    ]
    for name, cell in runs:
        lines.append(f"| {name} | | {' | '.join(cell(r) for r in results)} |")
    summaries = [summary(r) for r in results]
    for name, target in TARGETS.items():
        cells = []
        for figures in summaries:
            value, met = figures.get(name, ("not run", None))
            cells.append(value if met is None else f"{value} {'✓' if met else '✗'}")
        lines.append(f"| {name} | {target} | {' | '.join(cells)} |")
    first = results[0]["machine"]
    lines += [
        "",
        f"Machine: {first['cpu']}, {first['cores']} cores, {first['memory_gb']} GB; Python "
        f"{first['python']}, Django {first['django']}; PostgreSQL on the same machine in its "
        "default configuration unless a row names a setting. The machine is shared: other "
        "work ran beside the benchmark.",
        "",
    ]
    for result in results:
        lines += _over_target(result) + _wrong(result)
    for result in results:
        lines += _lists(result) + _searches(result) + _others(result) + _load_details(result)
    return "\n".join(lines)


def _over_target(result):
    over = [r for r in result["rows"] if r["p95"] > r["target"]]
    if not over:
        return []
    lines = [f"## {result['database']['label']}: rows over target", ""]
    for row in over:
        lines += [
            f"- **{row['label']}**: p50 {_ms(row['p50'])} ms, p95 {_ms(row['p95'])} ms "
            f"(target {_ms(row['target'])})",
        ]
        plan = row.get("plan")
        if plan:
            lines += [
                f"  explained: the request took {_ms(plan['request_ms'])} ms; the slowest of "
                f"its {plan['queries']} queries {_ms(plan['ms'])} ms:",
                "",
                "  ```sql",
                f"  {plan['sql']}",
                "  ```",
                "",
                "  ```",
                *[f"  {line}" for line in plan["plan"]],
                "  ```",
            ]
    return [*lines, ""]


def _wrong(result):
    wrong = [(r["label"], p) for r in result["rows"] for p in r["problems"]]
    if not wrong:
        return []
    lines = [f"## {result['database']['label']}: wrong answers", ""]
    return [*lines, *[f"- {label}: {problem}" for label, problem in wrong], ""]


def _cell(row):
    if row is None:
        return "—"
    text = f"{_ms(row['p50'])} / {_ms(row['p95'])}"
    if row["p95"] > row["target"]:
        text += " ✗"
    return text + (" **wrong**" if row["problems"] else "")


def _lists(result):
    rows = [r for r in result["rows"] if r["section"] == "list"]
    lines = [
        f"## {result['database']['label']}: lists, p50 / p95 (ms)",
        "",
        f"| list | order | {' | '.join(label for _kind, label in PAGES)} |",
        f"|---|---|{'---:|' * len(PAGES)}",
    ]
    by_order = {}
    for row in rows:
        by_order.setdefault((row["list"], row["ordering"]), {})[row["page"]] = row
    for (name, ordering), pages in by_order.items():
        cells = " | ".join(_cell(pages.get(kind)) for kind, _label in PAGES)
        lines.append(f"| {name} | {ordering} | {cells} |")
    return [
        *lines,
        "",
        "20 pages in: the page 20 `next` links after the first. Jump halfway: one page read "
        "from a cursor built from the row halfway down the list (at most 500,000 rows down). "
        "Every page holds the rows the ground truth puts there, and walking each order "
        "forwards and back from the last page gives every row once.",
        "",
    ]


def _searches(result):
    rows = [r for r in result["rows"] if r["section"] == "search"]
    names = {}
    for row in rows:
        names.setdefault(row["list_key"], row["list"])
    lines = [
        f"## {result['database']['label']}: quick search (seed {result['seed']})",
        "",
        f"| keyword | kind | {' | '.join(names[key] for key in LISTS if key in names)} |",
        f"|---|---|{'---:|' * len(names)}",
    ]
    by_keyword = {}
    for row in rows:
        by_keyword.setdefault((row["keyword"], row["kind"]), {})[row["list_key"]] = row
    for (keyword, kind), cells in by_keyword.items():
        text = " | ".join(
            f"{c['hits']:,} · {_cell(c)} · {_ratio(c['ratio'])}"
            for c in (cells[key] for key in LISTS if key in cells)
        )
        lines.append(f"| {keyword} | {kind} | {text} |")
    return [
        *lines,
        "",
        "Each cell: customers found · p50 / p95 (ms) of the request · the naive way's p50 "
        "divided by the request's. The naive way is a bare ORM query: `icontains` on the name "
        "(the pool) or on the name and the contacts' names with DISTINCT (mine, shared), its "
        "exact count and first page. Every answer was checked against the ground truth: "
        "first page, total and both walks.",
        "",
    ]


APART_NAMES = {
    "picker": "customer picker's",
    "tabs": "customer tabs'",
    "mutations": "claim and batch-assign",
    "transfers": "import and export (summary)",
    "home": "home page and reports (summary)",
}


def _others(result):
    rows = [r for r in result["rows"] if r["section"] in ("other", "picker", "tabs")]
    lines = [
        f"## {result['database']['label']}: other operations",
        "",
        "| operation | request | target p95 | p50 | p95 | n |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        mark = "✓" if row["p95"] <= row["target"] else "✗"
        lines.append(
            f"| {row['label']} | `{row['request']}` | {_ms(row['target'])} | {_ms(row['p50'])} "
            f"| {_ms(row['p95'])} {mark} | {row['n']}{'*' if row['capped'] else ''} |"
        )
    notes = ["", "`*`: stopped early by the time budget."]
    apart = dict(result.get("measured_apart", {}))
    if "picker" in result:  # stored before sections were measured apart by name
        apart.setdefault("picker", result["picker"])
    for section, run in sorted(apart.items()):
        notes.append(
            f"The {APART_NAMES.get(section, section)} rows were measured on their own at "
            f"`{run['app']['commit']}`{_changed(run)}, seed {run['seed']}."
        )
    return [*lines, *notes, ""]


def _load_details(result):
    load = result.get("load")
    if not load:
        return []
    kinds = ", ".join(
        f"{kind} {k['requests']:,} (p95 {_ms(k['p95'])} ms)" for kind, k in load["by_kind"].items()
    )
    lines = [
        f"## {result['database']['label']}: load run",
        "",
        f"{load['clients']} clients for {load['seconds']:.0f} s against `gunicorn config.wsgi "
        f"-w {load['workers']}` on 127.0.0.1, token authentication, seed {load['seed']}: "
        f"{load['requests']:,} requests ({kinds}), {load['per_second']:.1f} per second, "
        f"p50 {_ms(load['p50'])} ms, p95 {_ms(load['p95'])} ms, {load['errors']} errors.",
        "",
    ]
    return lines + [f"- {error}" for error in load["error_samples"]] + [""]


def _changed(result):
    changed = result["app"]["changed"]
    return f" with changes to {', '.join(changed)}" if changed else ""


def _ms(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _load(values):
    return "/".join(f"{v:.1f}" for v in values)


def _ratio(value):
    return f"{value:,.0f}×" if value >= 10 else f"{value:.1f}×"
