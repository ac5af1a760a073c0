from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.ImportsView.as_view(), name="api-imports"),
    path("imports/<int:pk>/", views.ImportView.as_view(), name="api-import"),
    path("imports/<int:pk>/start/", views.StartImportView.as_view(), name="api-import-start"),
    path("imports/<int:pk>/cancel/", views.CancelImportView.as_view(), name="api-import-cancel"),
    path("exports/", views.ExportsView.as_view(), name="api-exports"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="api-export"),
    path(
        "exports/<int:pk>/download/",
        views.ExportDownloadView.as_view(),
        name="api-export-download",
    ),
    path("pool/export/", views.PoolExportAPI.as_view(), name="api-export-pool"),
    path("mine/export/", views.MineExportAPI.as_view(), name="api-export-mine"),
    path("shared/export/", views.SharedExportAPI.as_view(), name="api-export-shared"),
    path("recycle-bin/export/", views.RecycleBinExportAPI.as_view(), name="api-export-bin"),
    path("audit/export/", views.AuditExportAPI.as_view(), name="api-export-audit"),
]
