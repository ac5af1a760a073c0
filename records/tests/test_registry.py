"""The registry of working-record modules: each app registers its own, the tabs follow
the modules' positions, and a clash of names or positions is refused at start-up."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from records import registry


def test_the_tabs_stand_in_the_order_of_the_modules_positions():
    assert [module.key for module in registry.modules()] == [
        "interactions",
        "opportunities",
        "quotes",
        "contracts",
        "receivables",
        "payments",
        "expenses",
        "attachments",
    ]
    positions = [module.position for module in registry.modules()]
    assert positions == sorted(positions)


def test_modules_are_found_by_key():
    for module in registry.modules():
        assert registry.module_for(module.key) is module
    assert registry.module_for("widgets") is None


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_modules", {})


def test_registering_the_same_module_twice_is_harmless(empty_registry):
    module = SimpleNamespace(key="widgets", position=5)
    registry.register(module)
    registry.register(module)
    assert registry.modules() == (module,)


def test_a_clash_of_keys_or_positions_is_refused(empty_registry):
    registry.register(SimpleNamespace(key="widgets", position=5))
    with pytest.raises(ImproperlyConfigured, match="widgets"):
        registry.register(SimpleNamespace(key="widgets", position=6))
    with pytest.raises(ImproperlyConfigured, match="position 5"):
        registry.register(SimpleNamespace(key="gadgets", position=5))
    assert [module.key for module in registry.modules()] == ["widgets"]
