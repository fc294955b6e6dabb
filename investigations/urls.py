from django.urls import path

from investigations import views

app_name = "investigations"

urlpatterns = [
    path("", views.investigation_list, name="list"),
    path("queue/", views.review_queue, name="queue"),
    path("new/<int:prospect_pk>/", views.investigation_create, name="create"),
    path("<int:pk>/", views.investigation_detail, name="detail"),
    path("<int:pk>/edit/", views.investigation_edit, name="edit"),
    path("<int:pk>/items/<int:item_pk>/", views.item_edit, name="item"),
    path("<int:pk>/cover/", views.cover_preview, name="cover"),
    path("<int:pk>/evidence/new/", views.evidence_upload, name="evidence_upload"),
    path("<int:pk>/<slug:kind>/new/", views.child_form, name="child_create"),
    path("<int:pk>/<slug:kind>/<int:child_pk>/", views.child_form, name="child_edit"),
    path("<int:pk>/<slug:kind>/<int:child_pk>/delete/", views.child_delete, name="child_delete"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("<int:pk>/submit/", views.investigation_submit, name="submit"),
    path("<int:pk>/review/", views.investigation_review, name="review"),
    path("<int:pk>/report.pdf", views.investigation_pdf, name="pdf"),
]
