from django.apps import AppConfig


class PaymentsStubConfig(AppConfig):
    """Allowances, hours, statements and a double-entry ledger behind a fake payment provider."""

    name = "payments_stub"
    verbose_name = "Payments"

    def ready(self) -> None:
        from payments_stub import checks  # noqa: F401  (registers the system checks)
