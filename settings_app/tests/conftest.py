import pytest


@pytest.fixture(autouse=True)
def dictionary_as_built_here(request):
    """The dictionary as these tests build it: without the return reasons a new
    installation starts with (settings_app 0007)."""
    if {"db", "transactional_db"} & set(request.fixturenames) or request.node.get_closest_marker(
        "django_db"
    ):
        request.getfixturevalue("db")
        from settings_app.models import DictionaryItem, DictionaryKind

        DictionaryItem.objects.filter(kind=DictionaryKind.RETURN_REASON).delete()
