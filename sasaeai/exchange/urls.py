from django.urls import path

from sasaeai.exchange import views

app_name = "exchange"
urlpatterns = [
    path("<lgcode:code>/import/", views.plan_import, name="import"),
    path("<lgcode:code>/import/confirm/", views.plan_import_confirm, name="import_confirm"),
    path("<lgcode:code>/import/template.xlsx", views.workbook_template, name="template"),
    path("<lgcode:code>/<slug:slug>/export/plan.json", views.plan_json, name="plan_json"),
    path("<lgcode:code>/<slug:slug>/export/workbook.xlsx", views.plan_workbook,
         name="plan_workbook"),
]
