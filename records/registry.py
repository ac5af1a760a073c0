"""The modules of a customer's working record. Each app registers its own from its
AppConfig.ready(); records/ imports none of them. Tabs, pages and the API are built from
what is registered here, in the order of each module's `position`."""

from django.core.exceptions import ImproperlyConfigured

_modules = {}  # key → Module


def register(module):
    known = _modules.get(module.key)
    if known is module:
        return
    if known is not None:
        raise ImproperlyConfigured(f"Two record modules are called {module.key!r}.")
    taken = next((m for m in _modules.values() if m.position == module.position), None)
    if taken is not None:
        raise ImproperlyConfigured(
            f"Record modules {taken.key!r} and {module.key!r} share position {module.position}."
        )
    _modules[module.key] = module


def modules():
    """Every registered module, in tab order."""
    return tuple(sorted(_modules.values(), key=lambda module: module.position))


def module_for(key):
    """The module registered as `key`, or None."""
    return _modules.get(key)


def module_of(model):
    """The module whose rows are of `model`, or None."""
    return next((module for module in _modules.values() if module.model is model), None)


def headlines(customer):
    """[(label, amount)]: the money the modules put in a customer's header, in tab order."""
    return [fact for module in modules() if module.headline for fact in module.headline(customer)]
