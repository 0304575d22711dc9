from django.urls import path

from sasaeai.accounts import views_people, views_personnel

app_name = "people"
urlpatterns = [
    path("", views_people.people, name="people"),
    path("invite/", views_people.invite, name="invite"),
    path("invitations/<int:pk>/withdraw/", views_people.invitation_withdraw,
         name="invitation_withdraw"),
    path("memberships/<int:pk>/role/", views_people.membership_role, name="membership_role"),
    path("memberships/<int:pk>/end/", views_people.membership_end, name="membership_end"),
    path("persons/<int:pk>/active/", views_people.person_active, name="person_active"),
    path("persons/<int:pk>/second-factor/", views_people.person_second_factor,
         name="person_second_factor"),
    path("personnel/", views_personnel.personnel_upload, name="personnel"),
    path("personnel/confirm/", views_personnel.personnel_confirm, name="personnel_confirm"),
    path("personnel/template.xlsx", views_personnel.personnel_template,
         name="personnel_template"),
    path("organizations/add/", views_people.organization_add, name="organization_add"),
    path("organizations/<int:pk>/", views_people.organization_edit, name="organization_edit"),
]
