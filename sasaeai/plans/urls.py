from django.urls import path

from sasaeai.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_detail, name="plan"),
    path("elements/<int:pk>/", views.element_detail, name="element"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("challenges/", views.challenge_matrix, name="challenges"),
]
