from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # The system checks (api/checks.py) and the OpenAPI description of the token
        # authentication (a drf-spectacular extension) register themselves on import.
        from api import checks, schema  # noqa: F401
