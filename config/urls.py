from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from audit.api import AuditTrailView
from audit.views import AuditTrailPage
from core.api.auth import SignOutEverywhereView, TokenView
from dashboard.api.views import DashboardView, ReportsView
from notifications.api.views import NotificationViewSet
from org.api.views import DepartmentViewSet, MeView, UserViewSet
from org.forms import PasswordForm
from records.api import urlpatterns as records_api_urls
from settings_app.api.views import DictionaryViewSet, SystemSettingsView

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("departments", DepartmentViewSet, basename="department")
router.register(r"dictionary/(?P<kind>[a-z_]+)", DictionaryViewSet, basename="dictionary")
router.register("notifications", NotificationViewSet, basename="notification")

api = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path(
        "auth/sign-out-everywhere/",
        SignOutEverywhereView.as_view(),
        name="api-sign-out-everywhere",
    ),
    path("auth/", include("rest_framework.urls")),
    path("me/", MeView.as_view(), name="me"),
    path("settings/", SystemSettingsView.as_view(), name="settings"),
    path("audit/", AuditTrailView.as_view(), name="audit"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("reports/", ReportsView.as_view(), name="reports"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("customers.api.urls")),
    path("", include("transfers.api.urls")),
    *records_api_urls(),
    *router.urls,
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:home", permanent=False)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(form_class=PasswordForm),
        name="password_change",
    ),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("", include("org.urls")),
    path("settings/audit/", AuditTrailPage.as_view(), name="audit-trail"),
    path("", include("settings_app.urls")),
    path("", include("transfers.urls")),
    path("", include("notifications.urls")),
    path("", include("dashboard.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("customers.urls")),
    path("", include("records.urls")),
    path("", include("activities.urls")),
    path("", include("sales.urls")),
    path("", include("attachments.urls")),
    path("api/", include(api)),
]
