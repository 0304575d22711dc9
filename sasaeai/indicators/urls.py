from django.urls import path

from sasaeai.indicators import views, views_import

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_table, name="table"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/override/", views.indicator_override, name="override"),
    path("<int:pk>/reporter/", views.indicator_reporter, name="reporter"),
    path("import/", views_import.table_import, name="import"),
    path("import/confirm/", views_import.table_import_confirm, name="import_confirm"),
]
