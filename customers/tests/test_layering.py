"""DESIGN.md house rule: only customers/services/ownership.py writes a customer's owner,
claim time, deletion mark or shares. This test reads the source and fails on any other
writer, so a view or serializer cannot quietly grow its own ownership logic."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUARDED = {"owner", "owner_id", "claimed_at", "deleted_at"}
WRITERS = {"update", "create", "bulk_create", "update_or_create", "get_or_create", "bulk_update"}
ALLOWED = {ROOT / "customers/services/ownership.py"}
APPS = ["core", "org", "settings_app", "customers", "config"]


def project_sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = set(path.relative_to(ROOT).parts)
            if "migrations" in parts or "tests" in parts or path.name == "testing.py":
                continue
            if path not in ALLOWED:
                yield path


def ownership_writes(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in GUARDED:
                    yield node.lineno, f"assigns .{target.attr}"
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in WRITERS:
                for kw in node.keywords:
                    if kw.arg in GUARDED:
                        yield node.lineno, f"{name}({kw.arg}=…)"
            if name == "setattr" and len(node.args) > 1:
                arg = node.args[1]
                if isinstance(arg, ast.Constant) and arg.value in GUARDED:
                    yield node.lineno, f"setattr(…, {arg.value!r})"
            if name == "Share":
                yield node.lineno, "builds a Share"


def test_only_the_ownership_service_writes_ownership():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in project_sources()
        for line, what in ownership_writes(ast.parse(path.read_text(), str(path)))
    ]
    assert offenders == []


def test_the_check_catches_a_writer():
    sample = "c.owner = u\nCustomer.objects.filter(pk=1).update(owner_id=2)\nShare(user=u)\n"
    found = [what for _line, what in ownership_writes(ast.parse(sample))]
    assert found == ["assigns .owner", "update(owner_id=…)", "builds a Share"]
