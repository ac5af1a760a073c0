from django.urls import path

from .views import ScheduleView

app_name = "activities"

urlpatterns = [
    path("schedule/", ScheduleView.as_view(), name="schedule"),
]
