from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Notices deeper needs and orients people to care: social map, screening, staff cases."""

    name = "referrals"

    def ready(self) -> None:
        # Connects the receiver that counts a TOTP activation as this session's second factor.
        from referrals import mfa  # noqa: F401
