"""System checks: a misconfigured payments setting stops the process at start-up."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

RANGES = {
    "PAYMENTS_PLATFORM_FEE_CENTS": (0, 10_000),
    "PAYMENTS_WITHHOLDING_BP": (0, 10_000),
    "PAYMENTS_ANNUAL_CAP_CENTS": (1, 100_000_000),
    "PAYMENTS_CAP_WARNING_BP": (0, 10_000),
    "PAYMENTS_VALIDATION_DAY": (1, 28),
    "PAYMENTS_VALIDATION_MIN_DAYS": (0, 28),
}


@register()
def payments_settings(app_configs=None, **kwargs):
    errors = [
        Error(
            f"{name} must be between {low} and {high}, not {getattr(settings, name)!r}.",
            id="payments_stub.E001",
        )
        for name, (low, high) in RANGES.items()
        if not low <= getattr(settings, name) <= high
    ]
    if settings.PAYMENTS_FAKE_PROVIDER_FAILURE not in {"", "fail", "timeout"}:
        errors.append(
            Error(
                "PAYMENTS_FAKE_PROVIDER_FAILURE must be empty, fail or timeout.",
                id="payments_stub.E002",
            )
        )
    try:
        import_string(settings.PAYMENTS_PROVIDER)
    except ImportError:
        errors.append(
            Error(
                f"PAYMENTS_PROVIDER {settings.PAYMENTS_PROVIDER!r} cannot be imported.",
                id="payments_stub.E003",
            )
        )
    return errors
