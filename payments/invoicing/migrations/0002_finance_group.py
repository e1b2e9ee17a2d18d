"""Create the "Finance" group. Its permissions (read-only) are kept in sync after every
migrate by payments.invoicing.permissions, because other apps' permissions (refunds) are
created after this migration runs."""

from django.db import migrations

FINANCE = "Finance"


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name=FINANCE)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=FINANCE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("invoicing", "0001_documents"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
