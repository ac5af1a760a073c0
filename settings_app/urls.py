from django.urls import path

from . import views

app_name = "settings_app"

urlpatterns = [
    path("settings/", views.SettingsHomeView.as_view(), name="home"),
    path("settings/system/", views.SystemSettingsView.as_view(), name="system"),
    path("settings/dictionary/<slug:kind>/", views.DictionaryListView.as_view(), name="dictionary"),
    path(
        "settings/dictionary/<slug:kind>/<int:pk>/",
        views.DictionaryItemView.as_view(),
        name="dictionary-item",
    ),
    path(
        "settings/dictionary/<slug:kind>/<int:pk>/move/",
        views.DictionaryMoveView.as_view(),
        name="dictionary-move",
    ),
    path(
        "settings/dictionary/<slug:kind>/<int:pk>/active/",
        views.DictionaryActiveView.as_view(),
        name="dictionary-active",
    ),
    path(
        "settings/dictionary/<slug:kind>/<int:pk>/delete/",
        views.DictionaryDeleteView.as_view(),
        name="dictionary-delete",
    ),
]
