from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from api.urls import api_urlpatterns, openai_urlpatterns
from asrplatform import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="recognize"), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(success_url="/"), name="password-change"),
    path("team/switch/", account_views.switch_team, name="switch-team"),
    path("team/members/", account_views.members, name="members"),
    path("account/token/", account_views.api_token, name="api-token"),
    path("", include("transcripts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    path("v1/", include(openai_urlpatterns)),
]

handler404 = views.not_found
handler500 = views.server_error
