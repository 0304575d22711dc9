from django.urls import path

from sasaeai.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("", views.municipality, name="municipality"),
]
