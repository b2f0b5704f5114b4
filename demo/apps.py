from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Original demo content for `make run`: films with drawn posters, reviews, threads."""

    name = "demo"
    verbose_name = "Demo content"
