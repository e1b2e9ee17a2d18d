from django.apps import AppConfig
from django.db.models.signals import post_migrate


class InvoicingConfig(AppConfig):
    name = "payments.invoicing"
    label = "invoicing"
    verbose_name = "Invoices and credit notes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .permissions import sync_finance_group

        # Runs after each app's post_migrate (permissions are created per app), so the group
        # also picks up the refunds app's permissions, which are created after ours.
        post_migrate.connect(sync_finance_group, dispatch_uid="invoicing_sync_finance_group")
