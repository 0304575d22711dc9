from django.urls import path

from sasaeai.plans import views, views_reporting

app_name = "plans"
urlpatterns = [
    path("", views.plan_detail, name="plan"),
    path("elements/<int:pk>/", views.element_detail, name="element"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("challenges/", views.challenge_matrix, name="challenges"),
    path("reporting/", views_reporting.reporting_page, name="reporting"),
    path("reporting/level/", views_reporting.reporting_level, name="reporting_level"),
    path("reporting/assign/", views_reporting.reporting_assign, name="reporting_assign"),
    path("reporting/organizations/", views_reporting.reporting_organization,
         name="reporting_organization"),
]
