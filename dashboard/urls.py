from django.urls import path

from .views import HomeView, ReportExportView, ReportsView

app_name = "dashboard"

urlpatterns = [
    path("home/", HomeView.as_view(), name="home"),
    path("reports/", ReportsView.as_view(), name="reports"),
    path("reports/<slug:report>/export/", ReportExportView.as_view(), name="reports-export"),
]
