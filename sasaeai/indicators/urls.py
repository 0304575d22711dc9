from django.urls import path

from sasaeai.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_table, name="table"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/override/", views.indicator_override, name="override"),
]
