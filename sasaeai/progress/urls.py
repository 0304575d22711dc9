from django.urls import path

from sasaeai.progress import views, views_cycles, views_states, views_workbook

app_name = "progress"
urlpatterns = [
    path("", views.cycle_list, name="cycles"),
    path("new/", views_cycles.cycle_create, name="cycle_create"),
    path("scale/", views.scale_choose, name="scale_choose"),
    path("<int:pk>/", views.cycle_detail, name="cycle"),
    path("<int:pk>/move/", views_states.cycle_move, name="cycle_move"),
    path("<int:pk>/edit/", views_cycles.cycle_edit, name="cycle_edit"),
    path("<int:pk>/delete/", views_cycles.cycle_delete, name="cycle_delete"),
    path("<int:pk>/waive/", views_states.cycle_waive, name="cycle_waive"),
    path("<int:pk>/withdraw/", views_states.cycle_withdraw, name="cycle_withdraw"),
    path("<int:pk>/summary/", views.summary, name="summary"),
    path("<int:pk>/opinions/", views.opinion_create, name="opinion_create"),
    path("<int:pk>/opinions/<int:opinion_pk>/response/", views.opinion_respond,
         name="opinion_respond"),
    path("<int:cycle_pk>/entries/<int:pk>/", views.entry_detail, name="entry"),
    path("<int:cycle_pk>/entries/<int:pk>/save/", views.entry_save, name="entry_save"),
    path("<int:cycle_pk>/entries/<int:pk>/submit/", views.entry_submit, name="entry_submit"),
    path("<int:cycle_pk>/entries/<int:pk>/return/", views.entry_return, name="entry_return"),
    path("<int:cycle_pk>/entries/<int:pk>/accept/", views.entry_accept, name="entry_accept"),
    path("<int:cycle_pk>/entries/<int:pk>/rate/", views.entry_rate, name="entry_rate"),
    path("<int:cycle_pk>/entries/<int:pk>/correct/", views.entry_correct, name="entry_correct"),
    path("<int:cycle_pk>/entries/<int:pk>/versions/<int:number>/", views.entry_version,
         name="entry_version"),
    path("<int:cycle_pk>/entries/<int:pk>/versions/<int:number>/restore/",
         views.entry_restore, name="entry_restore"),
    path("<int:pk>/workbook/<int:org_pk>/", views_workbook.workbook_download,
         name="workbook_download"),
    path("<int:pk>/workbook/<int:org_pk>/upload/", views_workbook.workbook_upload,
         name="workbook_upload"),
    path("<int:pk>/workbook/<int:org_pk>/apply/", views_workbook.workbook_apply,
         name="workbook_apply"),
]
