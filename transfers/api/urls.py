from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.ImportsView.as_view(), name="api-imports"),
    path("imports/<int:pk>/", views.ImportView.as_view(), name="api-import"),
    path("imports/<int:pk>/start/", views.StartImportView.as_view(), name="api-import-start"),
    path("imports/<int:pk>/cancel/", views.CancelImportView.as_view(), name="api-import-cancel"),
]
