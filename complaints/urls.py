from django.urls import path

from complaints import views
from complaints.models import Kind

app_name = "complaints"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("questions/new/", views.case_create, {"kind": Kind.QUESTION}, name="question_create"),
    path("board/", views.team_board, name="board"),
    path("board/attention/", views.board_panel, name="board_panel"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/steps/<str:action>/", views.case_step, name="step"),
    path("<int:pk>/contacts/", views.contact_create, name="contact"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/reopen/", views.case_reopen, name="reopen"),
    path("<int:pk>/extend/", views.case_extend, name="extend"),
    path("<int:pk>/reassign/", views.case_reassign, name="reassign"),
]
