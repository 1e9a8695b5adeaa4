from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=2&page_size=50`; at most API_MAX_PAGE_SIZE items a page."""

    page_size_query_param = "page_size"

    @property
    def page_size(self) -> int:
        return settings.API_PAGE_SIZE

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def expected_slice(self, request) -> slice | None:
        """The rows the page asked for will come from, known before counting, so a list can
        read them along with its count; None when that takes the count ("last", nonsense)."""
        size = self.get_page_size(request)
        try:
            number = int(request.query_params.get(self.page_query_param, 1))
        except (TypeError, ValueError):
            return None
        if number < 1 or not size:
            return None
        return slice((number - 1) * size, number * size)
