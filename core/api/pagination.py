from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.paging import TailFriendlyPaginator

MAX_PAGE_SIZE = 200


class BoundedPageNumberPagination(PageNumberPagination):
    """Page numbers with `page_size` up to 200. A bad page size is an error the caller
    sees, not a silent cap."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    django_paginator_class = TailFriendlyPaginator

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    "page_size": [
                        _("Page size must be a whole number from 1 to %d.") % self.max_page_size
                    ]
                }
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not raw.isdigit():
            raise ValidationError({"page": [_("Page must be a positive whole number or 'last'.")]})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_estimate": paginator.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "True when `count` is an estimate: counting a very large "
            "list exactly would take too long, so it was estimated from a sample.",
        }
        schema["required"] = [*schema.get("required", []), "count_is_estimate"]
        return schema
