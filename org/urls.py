from django.urls import path

from . import views

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
]
