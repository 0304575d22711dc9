from django.urls import path

from sasaeai.public import views

app_name = "public"
urlpatterns = [
    path("<lgcode:code>/<slug:slug>/search/", views.plan_search, name="search"),
    path("<lgcode:code>/<slug:slug>/digest/", views.plan_digest, name="digest"),
]
