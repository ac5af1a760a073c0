from django.urls import path

from .views import DownloadView

app_name = "attachments"

urlpatterns = [
    path("attachments/<int:pk>/download/", DownloadView.as_view(), name="download"),
]
