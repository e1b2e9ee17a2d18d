from django.apps import AppConfig


class MasterclassConfig(AppConfig):
    name = "masterclass"
    verbose_name = "Site"
