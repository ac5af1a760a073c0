from django.urls import path

from .views import QuotePrintView

app_name = "sales"

urlpatterns = [
    path(
        "customers/<int:customer_pk>/quotes/<int:pk>/print/",
        QuotePrintView.as_view(),
        name="quote-print",
    ),
]
