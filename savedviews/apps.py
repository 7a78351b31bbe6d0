from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    name = "savedviews"
    verbose_name = "Saved views"
