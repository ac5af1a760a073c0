from django.urls import path

from . import people_views, views

app_name = "org"

urlpatterns = [
    path("account/", views.AccountView.as_view(), name="account"),
    path(
        "account/sign-out-everywhere/",
        views.SignOutEverywhereView.as_view(),
        name="sign-out-everywhere",
    ),
    path("account/tokens/<str:token_key>/end/", views.EndTokenView.as_view(), name="end-token"),
    path("account/two-factor/setup/", views.TwoFactorSetupView.as_view(), name="two-factor-setup"),
    path("account/two-factor/qr.svg", views.TwoFactorQRView.as_view(), name="two-factor-qr"),
    path(
        "account/two-factor/verify/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"
    ),
    path(
        "account/two-factor/recovery-codes/",
        views.RecoveryCodesView.as_view(),
        name="two-factor-recovery-codes",
    ),
    path("account/two-factor/off/", views.TwoFactorOffView.as_view(), name="two-factor-off"),
    # The administrators' pages of people and departments, in the settings section.
    path("settings/users/", people_views.UserListView.as_view(), name="users"),
    path("settings/users/new/", people_views.UserCreateView.as_view(), name="user-new"),
    path("settings/users/<int:pk>/", people_views.UserEditView.as_view(), name="user-edit"),
    path(
        "settings/users/<int:pk>/active/",
        people_views.UserActiveView.as_view(),
        name="user-active",
    ),
    path(
        "settings/users/<int:pk>/sign-out-everywhere/",
        people_views.UserSignOutView.as_view(),
        name="user-sign-out-everywhere",
    ),
    path(
        "settings/users/<int:pk>/two-factor-off/",
        people_views.UserTwoFactorOffView.as_view(),
        name="user-two-factor-off",
    ),
    path("settings/lockouts/", people_views.LockoutListView.as_view(), name="lockouts"),
    path("settings/lockouts/unlock/", people_views.LockoutUnlockView.as_view(), name="unlock"),
    path("settings/departments/", people_views.DepartmentListView.as_view(), name="departments"),
    path(
        "settings/departments/<int:pk>/",
        people_views.DepartmentEditView.as_view(),
        name="department-edit",
    ),
]
