from django.urls import path

from playbook import search_views, team_views, views

app_name = "playbook"

urlpatterns = [
    # Reading and progress (playbook-reading).
    path("", views.playbook_home, name="home"),
    path("sections/<int:pk>/", views.section_detail, name="section"),
    path("entries/new/", views.entry_edit, name="entry_create"),
    path("entries/<int:pk>/", views.entry_detail, name="entry"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/bookmark/", views.bookmark_toggle, name="bookmark"),
    path("entries/<int:pk>/note/", views.note_save, name="note"),
    path("entries/<int:pk>/revisions/", views.revision_list, name="revisions"),
    path("revisions/<int:pk>/", views.revision_compare, name="revision"),
    path("next/", views.next_unread, name="next_unread"),
    path("progress/", views.progress, name="progress"),
    path("progress/<int:pk>/", views.trainee_progress, name="trainee_progress"),
    # Search and import (playbook-search).
    path("search/", search_views.entry_search, name="search"),
    path("import/", search_views.handbook_import, name="import"),
    path("searches/", search_views.search_log, name="search_log"),
    # Reading as a team (playbook-team): flags and assigned reading.
    path("entries/<int:pk>/flag/", team_views.flag_create, name="flag_create"),
    path("flags/", team_views.flag_list, name="flags"),
    path("flags/<int:pk>/resolve/", team_views.flag_resolve, name="flag_resolve"),
    path("assignments/", team_views.assignment_list, name="assignments"),
    path("assignments/new/", team_views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/confirm/", team_views.assignment_confirm, name="assignment_confirm"),
    path(
        "assignments/<int:pk>/withdraw/", team_views.assignment_withdraw, name="assignment_withdraw"
    ),
]
