from django.urls import path

from sasaeai.plans import (
    views,
    views_actors,
    views_challenges,
    views_editing,
    views_initiatives,
    views_reporting,
    views_settings,
    views_tree,
)

app_name = "plans"
urlpatterns = [
    path("", views.plan_detail, name="plan"),
    path("elements/<int:pk>/", views.element_detail, name="element"),
    path("initiatives/<int:pk>/", views.initiative_detail, name="initiative"),
    path("challenges/", views.challenge_matrix, name="challenges"),
    path("reporting/", views_reporting.reporting_page, name="reporting"),
    path("undo/<int:event_id>/", views_editing.undo_change, name="undo"),
    path("edit/history/<slug:kind>/<int:pk>/", views_editing.item_history, name="history"),
    path("edit/revert/<int:event_id>/", views_editing.revert_version, name="revert"),
    path("reporting/level/", views_reporting.reporting_level, name="reporting_level"),
    path("reporting/assign/", views_reporting.reporting_assign, name="reporting_assign"),
    path("reporting/organizations/", views_reporting.reporting_organization,
         name="reporting_organization"),

    # Plan settings (#15: views_settings)
    path("edit/", views_settings.plan_editor, name="edit"),
    path("edit/settings/", views_settings.plan_settings, name="settings"),
    path("edit/status/", views_settings.plan_status, name="status"),


    # 体系 editor (#15: views_tree)
    path("edit/tree/", views_tree.tree_page, name="tree"),
    path("edit/tree/add/", views_tree.element_add, name="element_add"),
    path("edit/tree/<int:pk>/", views_tree.element_edit, name="element_edit"),
    path("edit/tree/<int:pk>/move/", views_tree.element_move, name="element_move"),
    path("edit/tree/<int:pk>/delete/", views_tree.element_delete, name="element_delete"),
    path("edit/tree/<int:pk>/renumber/", views_tree.element_renumber, name="element_renumber"),


    # 取組 and what each actor does (#15: views_initiatives)
    path("edit/initiatives/", views_initiatives.initiatives_edit, name="initiatives_edit"),
    path("edit/initiatives/add/", views_initiatives.initiative_add, name="initiative_add"),
    path("edit/initiatives/<int:pk>/", views_initiatives.initiative_edit, name="initiative_edit"),
    path("edit/initiatives/<int:pk>/placement/", views_initiatives.initiative_placement,
         name="initiative_placement"),
    path("edit/initiatives/<int:pk>/delete/", views_initiatives.initiative_delete,
         name="initiative_delete"),
    path("edit/initiatives/<int:pk>/statements/", views_initiatives.initiative_statements,
         name="initiative_statements"),
    path("edit/elements/<int:pk>/statements/", views_initiatives.statements_edit,
         name="statements_edit"),
    path("edit/statements/<int:pk>/", views_initiatives.statement_edit, name="statement_edit"),
    path("edit/statements/<int:pk>/move/", views_initiatives.statement_move,
         name="statement_move"),
    path("edit/statements/<int:pk>/delete/", views_initiatives.statement_delete,
         name="statement_delete"),
    path("edit/statements/", views_actors.plan_statements, name="plan_statements"),
    path("edit/actors/add/", views_actors.actor_add, name="actor_add"),
    path("edit/actors/edit/", views_actors.actor_edit, name="actor_edit"),
    path("edit/actors/move/", views_actors.actor_move, name="actor_move"),
    path("edit/actors/delete/", views_actors.actor_delete, name="actor_delete"),


    # 課題 (#15: views_challenges)
    path("edit/challenges/", views_challenges.challenges_edit, name="challenges_edit"),
    path("edit/challenges/add/", views_challenges.challenge_create, name="challenge_create"),
    path("edit/challenges/cell/", views_challenges.challenge_cell, name="challenge_cell"),
    path("edit/challenges/<int:pk>/", views_challenges.challenge_edit, name="challenge_edit"),
    path("edit/challenges/<int:pk>/links/", views_challenges.challenge_links,
         name="challenge_links"),
    path("edit/challenges/<int:pk>/delete/", views_challenges.challenge_delete,
         name="challenge_delete"),
    path("edit/challenges/<int:pk>/evidence/add/", views_challenges.evidence_add,
         name="evidence_add"),
    path("edit/challenges/<int:pk>/evidence/edit/", views_challenges.evidence_edit,
         name="evidence_edit"),
    path("edit/challenges/<int:pk>/evidence/move/", views_challenges.evidence_move,
         name="evidence_move"),
    path("edit/challenges/<int:pk>/evidence/delete/", views_challenges.evidence_delete,
         name="evidence_delete"),
    path("edit/initiatives/<int:pk>/challenges/", views_challenges.initiative_challenges,
         name="initiative_challenges"),

]
