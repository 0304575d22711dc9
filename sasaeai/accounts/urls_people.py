from django.urls import path

from sasaeai.accounts import views_people

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
    path("organizations/add/", views_people.organization_add, name="organization_add"),
    path("organizations/<int:pk>/", views_people.organization_edit, name="organization_edit"),
]
