from django.contrib.auth import views as auth_views
from django.urls import path

from sasaeai.accounts import (
    views,
    views_invitation,
    views_operator,
    views_password,
    views_second_factor,
)
from sasaeai.accounts.forms import LoginForm

app_name = "accounts"
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views_password.password_reset, name="password_reset"),
    path("password/reset/sent/", views_password.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views_password.password_reset_confirm,
         name="password_reset_confirm"),
    path("password/reset/complete/", views_password.password_reset_complete,
         name="password_reset_complete"),
    path("password/change/", views_password.password_change, name="password_change"),
    path("invitation/<str:key>/", views_invitation.invitation, name="invitation"),
    path("operator/municipalities/new/", views_operator.municipality_create,
         name="municipality_create"),
    path("profile/", views.profile, name="profile"),
    path("profile/notice-mail/", views.notice_mail, name="notice_mail"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("profile/recovery-codes/", views_second_factor.recovery_codes, name="recovery_codes"),
    path("two-factor/", views_second_factor.two_factor, name="two_factor"),
    path("two-factor/setup/", views_second_factor.two_factor_setup, name="two_factor_setup"),
]
