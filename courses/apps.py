from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Catalogue"

    def ready(self):
        from . import signals

        signals.connect()
