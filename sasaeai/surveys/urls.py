from django.urls import path

from sasaeai.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("import/", views.round_import, name="import"),
    path("import/confirm/", views.round_import_confirm, name="import_confirm"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/measure/", views.measure_define, name="measure"),
    path("<int:pk>/results/<int:result_pk>/recompute/", views.result_recompute, name="recompute"),
    path("<int:pk>/edit/", views.round_edit, name="edit"),
    path("<int:pk>/delete/", views.round_delete, name="delete"),
    path("codebook-template.csv", views.codebook_template, name="codebook_template"),
]
