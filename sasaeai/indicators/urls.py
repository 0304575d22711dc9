from django.urls import path

from sasaeai.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_table, name="table"),
]
