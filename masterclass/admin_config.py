"""django.contrib.admin with the project's site (workspaces, grouped index) as `admin.site`.

Kept apart from `masterclass.apps`: Django picks an app's default config from its apps module,
and two AppConfig subclasses there would be ambiguous."""

from django.contrib.admin.apps import AdminConfig


class MasterclassAdminConfig(AdminConfig):
    default_site = "masterclass.admin_site.MasterclassAdminSite"
