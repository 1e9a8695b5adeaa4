from django.apps import AppConfig


class MatchingConfig(AppConfig):
    """Who can help with what: candidate search, ranking with reasons, offers, batch assignment."""

    name = "matching"
