from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/<int:pk>/read/", views.ReadView.as_view(), name="read"),
    path("notifications/read-all/", views.ReadAllView.as_view(), name="read-all"),
]
