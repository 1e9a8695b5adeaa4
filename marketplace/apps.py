from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    """People and their requests: users and roles, helpper profiles, places, requests, visits."""

    name = "marketplace"
    verbose_name = _("Marketplace")
