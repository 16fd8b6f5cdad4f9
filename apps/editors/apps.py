from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class EditorsConfig(AppConfig):
    default = True
    name = "apps.editors"
    verbose_name = "Editors"


class EditorsAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, serving Exercise Signals' own admin site."""

    default = False
    default_site = "apps.editors.sites.EditorsAdminSite"
