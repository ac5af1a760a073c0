import re

from django.db import migrations, models

# A name holding Chinese characters was written in Chinese.
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def names_by_language(apps, schema_editor):
    """Each item had one name: a Chinese one becomes the Chinese name, any other stays the
    English name. Nothing is lost; the other language's name is left for an administrator
    to fill in (the pages show the one there is meanwhile)."""
    DictionaryItem = apps.get_model("settings_app", "DictionaryItem")
    for item in DictionaryItem.objects.all():
        if CHINESE.search(item.name):
            item.name_zh_hans, item.name = item.name, ""
            item.save(update_fields=["name", "name_zh_hans"])


def one_name(apps, schema_editor):
    DictionaryItem = apps.get_model("settings_app", "DictionaryItem")
    for item in DictionaryItem.objects.exclude(name_zh_hans=""):
        item.name = item.name or item.name_zh_hans
        item.save(update_fields=["name"])


class Migration(migrations.Migration):

    dependencies = [
        ("settings_app", "0004_systemsettings_require_two_factor_for_administrators"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="dictionaryitem",
            options={
                "ordering": ["kind", "sort_order", "name", "id"],
                "verbose_name": "dictionary item",
                "verbose_name_plural": "data dictionary",
            },
        ),
        migrations.RemoveConstraint(
            model_name="dictionaryitem",
            name="dictionary_item_unique_name",
        ),
        migrations.AddField(
            model_name="dictionaryitem",
            name="name_zh_hans",
            field=models.CharField(blank=True, max_length=100, verbose_name="Chinese name"),
        ),
        migrations.AlterField(
            model_name="dictionaryitem",
            name="name",
            field=models.CharField(blank=True, max_length=100, verbose_name="English name"),
        ),
        migrations.AlterField(
            model_name="systemsettings",
            name="force_hierarchical_sharing",
            field=models.BooleanField(
                default=True,
                help_text="Supervisors see every customer their subordinates own.",
                verbose_name="force hierarchical sharing",
            ),
        ),
        migrations.RunPython(names_by_language, one_name),
        migrations.AddConstraint(
            model_name="dictionaryitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("name", ""), _negated=True),
                fields=("kind", "name"),
                name="dictionary_item_unique_name",
            ),
        ),
        migrations.AddConstraint(
            model_name="dictionaryitem",
            constraint=models.UniqueConstraint(
                condition=models.Q(("name_zh_hans", ""), _negated=True),
                fields=("kind", "name_zh_hans"),
                name="dictionary_item_unique_name_zh_hans",
            ),
        ),
        migrations.AddConstraint(
            model_name="dictionaryitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("name", ""), _negated=True),
                    models.Q(("name_zh_hans", ""), _negated=True),
                    _connector="OR",
                ),
                name="dictionary_item_has_a_name",
            ),
        ),
    ]
