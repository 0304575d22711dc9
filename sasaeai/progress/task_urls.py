from django.urls import path

from sasaeai.progress import views_tasks

app_name = "tasks"
urlpatterns = [path("", views_tasks.my_tasks, name="mine")]
