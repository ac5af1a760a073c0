from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("imports/", views.ImportListView.as_view(), name="imports"),
    path("imports/new/", views.NewImportView.as_view(), name="new-import"),
    path("imports/<int:pk>/", views.ImportView.as_view(), name="import"),
    path("imports/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("imports/<int:pk>/cancel/", views.CancelView.as_view(), name="cancel"),
    path("imports/<int:pk>/not-imported.csv", views.RefusalsView.as_view(), name="refusals"),
    path("exports/", views.ExportListView.as_view(), name="exports"),
    path("exports/<int:pk>/", views.ExportView.as_view(), name="export"),
    path("exports/<int:pk>/progress/", views.ExportProgressView.as_view(), name="export-progress"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
    path("pool/export/", views.PoolExportView.as_view(), name="export-pool"),
    path("mine/export/", views.MineExportView.as_view(), name="export-mine"),
    path("shared/export/", views.SharedExportView.as_view(), name="export-shared"),
    path("recycle-bin/export/", views.RecycleBinExportView.as_view(), name="export-bin"),
    path("settings/audit/export/", views.AuditExportView.as_view(), name="export-audit"),
    path("records/<slug:module>/export/", views.ModuleExportView.as_view(), name="export-module"),
]
