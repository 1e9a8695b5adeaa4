from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # The OpenAPI description of the token authentication (drf-spectacular extension).
        from api import schema  # noqa: F401
