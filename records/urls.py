from django.urls import path

from . import picker, views

app_name = "records"

urlpatterns = [
    path(
        "customers/<int:customer_pk>/<slug:module>/new/",
        views.RecordFormView.as_view(),
        name="new",
    ),
    path(
        "customers/<int:customer_pk>/<slug:module>/<int:pk>/edit/",
        views.RecordFormView.as_view(),
        name="edit",
    ),
    path(
        "customers/<int:customer_pk>/<slug:module>/<int:pk>/delete/",
        views.RecordDeleteView.as_view(),
        name="delete",
    ),
    path(
        "customers/<int:customer_pk>/<slug:module>/<int:pk>/restore/",
        views.RecordRestoreView.as_view(),
        name="restore",
    ),
    path(
        "customers/<int:customer_pk>/<slug:module>/delete/",
        views.RecordBatchDeleteView.as_view(),
        name="delete-many",
    ),
    path(
        "customers/<int:customer_pk>/<slug:module>/print/",
        views.RecordTabPrintView.as_view(),
        name="print-tab",
    ),
    path("records/<slug:module>/", views.ModuleListPage.as_view(), name="list"),
    path(
        "records/<slug:module>/new/",
        picker.CustomerPickerView.as_view(),
        name="pick-customer",
    ),
]
