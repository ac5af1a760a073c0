"""DESIGN.md house rules that the source itself must keep, read from the source:

- only customers/services/ownership.py writes a customer's owner, claim time, deletion
  mark or shares, so a view or serializer cannot quietly grow its own ownership logic;
- records/ imports no module app (activities, sales, attachments …): each registers its
  modules with records from its AppConfig.ready().

Both read every app of the project, so a new app is covered without being listed."""

import ast
from pathlib import Path

from django.apps import apps

from records import registry

ROOT = Path(__file__).resolve().parents[2]
GUARDED = {"owner", "owner_id", "claimed_at", "deleted_at"}
WRITERS = {"update", "create", "bulk_create", "update_or_create", "get_or_create", "bulk_update"}
# Who may write which of GUARDED: the ownership service all of it; the record service the
# deletion mark of working records (their own recycle bin), never a customer's owner.
ALLOWED = {
    Path("customers/services/ownership.py"): GUARDED | {"Share"},
    Path("records/services.py"): {"deleted_at"},
}


def project_apps():
    """The project's own apps (not the libraries'), and config."""
    own = [Path(app.path) for app in apps.get_app_configs() if Path(app.path).parent == ROOT]
    return [path.name for path in own] + ["config"]


def sources(root, app, *, with_tests=False):
    for path in sorted((root / app).rglob("*.py")):
        parts = set(path.relative_to(root).parts)
        if "migrations" in parts:
            continue
        if not with_tests and ("tests" in parts or path.name == "testing.py"):
            continue
        yield path


def ownership_writes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in GUARDED:
                    yield node.lineno, f"assigns .{target.attr}", target.attr
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in WRITERS:
                for kw in node.keywords:
                    if kw.arg in GUARDED:
                        yield node.lineno, f"{name}({kw.arg}=…)", kw.arg
            if name == "setattr" and len(node.args) > 1:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value in GUARDED:
                    yield node.lineno, f"setattr(…, {arg.value!r})", arg.value
            if name == "Share":
                yield node.lineno, "builds a Share", "Share"


def ownership_writers(root, app_names):
    return [
        f"{path.relative_to(root)}:{line}: {what}"
        for app in app_names
        for path in sources(root, app)
        for line, what, name in ownership_writes(ast.parse(path.read_text(), str(path)))
        if name not in ALLOWED.get(path.relative_to(root), ())
    ]


def test_only_the_ownership_service_writes_ownership():
    assert ownership_writers(ROOT, project_apps()) == []


def test_every_app_of_the_project_is_read():
    names = project_apps()
    expected = {"core", "org", "settings_app", "customers", "records", "config"}
    expected |= {module.model._meta.app_config.name for module in registry.modules()}
    assert expected <= set(names), sorted(expected - set(names))
    for app in names:
        assert any(sources(ROOT, app)), app


def test_the_check_catches_a_writer():
    sample = "c.owner = u\nCustomer.objects.filter(pk=1).update(owner_id=2)\nShare(user=u)\n"
    found = [what for _line, what, _name in ownership_writes(ast.parse(sample))]
    assert found == ["assigns .owner", "update(owner_id=…)", "builds a Share"]


def test_the_check_finds_a_writer_in_any_app(tmp_path):
    """A writer in a module app, e.g. a sales view, fails the check; the same line in the
    ownership service does not."""
    offender = tmp_path / "sales" / "views.py"
    allowed = tmp_path / "customers" / "services" / "ownership.py"
    for path in (offender, allowed):
        path.parent.mkdir(parents=True)
        path.write_text("def act(customer, user):\n    customer.owner = user\n")
    found = ownership_writers(tmp_path, ["customers", "sales"])
    assert found == ["sales/views.py:2: assigns .owner"]


def test_the_record_service_may_mark_only_its_own_rows_deleted(tmp_path):
    service = tmp_path / "records" / "services.py"
    service.parent.mkdir(parents=True)
    service.write_text(
        "def act(row, customer, user):\n    row.deleted_at = 1\n    customer.owner = user\n"
    )
    assert ownership_writers(tmp_path, ["records"]) == ["records/services.py:3: assigns .owner"]


# ---------------------------------------------------------------- records imports no module


def imported_packages(tree):
    """(line, top-level package) of every absolute import, also those inside functions."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def module_app_imports(root, app, module_apps):
    """Its tests too: records' tests run for whatever modules are registered."""
    return [
        f"{path.relative_to(root)}:{line}: imports {package}"
        for path in sources(root, app, with_tests=True)
        for line, package in imported_packages(ast.parse(path.read_text(), str(path)))
        if package in module_apps
    ]


def module_apps():
    return {module.model._meta.app_config.name for module in registry.modules()}


def test_records_imports_no_module_app():
    assert module_apps() >= {"activities", "sales", "attachments"}
    assert module_app_imports(ROOT, "records", module_apps()) == []


def test_the_import_check_catches_a_hidden_import():
    sample = "def all_modules():\n    from sales.module import QUOTES\n    import activities\n"
    assert [package for _line, package in imported_packages(ast.parse(sample))] == [
        "sales",
        "activities",
    ]
