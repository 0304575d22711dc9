from django.urls import path

from sasaeai.indicators import views, views_edit, views_import

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_table, name="table"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/override/", views.indicator_override, name="override"),
    path("<int:pk>/reporter/", views.indicator_reporter, name="reporter"),
    path("import/", views_import.table_import, name="import"),
    path("import/confirm/", views_import.table_import_confirm, name="import_confirm"),

    # Indicator editor (#15: views_edit)
    path("add/", views_edit.indicator_add, name="add"),
    path("<int:pk>/edit/", views_edit.indicator_edit, name="edit"),
    path("<int:pk>/target/", views_edit.indicator_target, name="target"),
    path("<int:pk>/observation/", views_edit.indicator_observation, name="observation"),
    path("<int:pk>/merge/", views_edit.indicator_merge, name="merge"),

]
