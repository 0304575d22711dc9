from django.urls import path

from sasaeai.progress import views

app_name = "tasks"
urlpatterns = [path("", views.my_tasks, name="mine")]
