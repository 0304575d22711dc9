from django.urls import path

from sasaeai.progress import views_reorganisation

app_name = "reorganisation"
urlpatterns = [
    path("<int:pk>/retire/", views_reorganisation.retire, name="retire"),
    path("<int:pk>/merge/", views_reorganisation.merge, name="merge"),
]
