from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    """Notices deeper needs and orients people to care: social map, screening, staff cases."""

    name = "referrals"
