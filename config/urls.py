from django.contrib import admin
from django.urls import include, path, register_converter

from sasaeai.api.api import api
from sasaeai.plans import views_create as plan_create_views
from sasaeai.reports import views as reports_views
from sasaeai.tenancy import views as tenancy_views
from sasaeai.tenancy.converters import LgCodeConverter

register_converter(LgCodeConverter, "lgcode")

admin.site.site_header = "ささえあい 管理画面"
admin.site.site_title = "ささえあい 管理画面"
admin.site.index_title = "データの管理"

urlpatterns = [
    path("", tenancy_views.home, name="home"),
    path("accounts/", include("sasaeai.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("tasks/", include("sasaeai.progress.task_urls")),
    path("notices/", include("sasaeai.notices.urls")),
    path("<lgcode:code>/", include("sasaeai.tenancy.urls")),
    # Before the plan routes: "surveys" and "import" would otherwise be taken for a plan's slug.
    path("<lgcode:code>/surveys/", include("sasaeai.surveys.urls")),
    path("<lgcode:code>/people/", include("sasaeai.accounts.urls_people")),
    # Retiring and merging organizations touches plans, indicators and cycles: progress's.
    path("<lgcode:code>/people/organizations/", include("sasaeai.progress.reorganisation_urls")),
    path("<lgcode:code>/new/", plan_create_views.create, name="plan_create"),
    path("", include("sasaeai.exchange.urls")),
    path("", include("sasaeai.public.urls")),
    path("<lgcode:code>/<slug:slug>/", include("sasaeai.plans.urls")),
    path("<lgcode:code>/<slug:slug>/indicators/", include("sasaeai.indicators.urls")),
    # The summary page with its exports (?export=xlsx|pdf|csv) is served by reports, which may
    # import progress but not the reverse; both render from progress.summaries. Same URL as
    # progress:summary (the name templates reverse), resolved here first.
    path("<lgcode:code>/<slug:slug>/cycles/<int:pk>/summary/", reports_views.summary),
    path("<lgcode:code>/<slug:slug>/cycles/<int:pk>/packets/", reports_views.packets,
         name="packets"),
    path("<lgcode:code>/<slug:slug>/cycles/<int:pk>/packets/<int:version>.pdf",
         reports_views.packet_download, name="packet_download"),
    path("<lgcode:code>/<slug:slug>/cycles/", include("sasaeai.progress.urls")),
]
