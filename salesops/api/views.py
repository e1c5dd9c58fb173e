"""What every DRF view shares: the acting member and pagination."""

from rest_framework.pagination import PageNumberPagination


class MemberAPIMixin:
    """Give an API view ``self.actor`` and ``self.tenant`` from the request."""

    @property
    def actor(self):
        return self.request.member

    @property
    def tenant(self):
        return self.request.member.tenant


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def paginated_response(*, queryset, serializer_class, request, view):
    """Answer one page of ``queryset`` as API.md's ``{count, next, previous, results}``."""
    paginator = Pagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)
