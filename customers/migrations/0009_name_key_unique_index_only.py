"""name_key keeps only customer_unique_live_name: the plain index on it (and its LIKE twin
on PostgreSQL) served no query, and every owner change wrote them (an owner change can not
be a heap-only update on PostgreSQL, so it writes every index of the row)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0008_ordered_customer_name_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='customer',
            name='name_key',
            field=models.CharField(editable=False, max_length=200),
        ),
    ]
