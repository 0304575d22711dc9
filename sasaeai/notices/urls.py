from django.urls import path

from sasaeai.notices import views

app_name = "notices"
urlpatterns = [path("<int:pk>/read/", views.read, name="read")]
