from django.urls import path

from prospects import import_views, views

app_name = "prospects"

urlpatterns = [
    path("", views.prospect_list, name="list"),
    path("new/", views.prospect_create, name="create"),
    path("referrers/", views.referrer_search, name="referrer_search"),
    path("colleagues/", views.colleague_search, name="colleague_search"),
    path("<int:pk>/", views.prospect_detail, name="detail"),
    path("<int:pk>/edit/", views.prospect_edit, name="edit"),
    path("<int:pk>/history/", views.prospect_history, name="history"),
    path("<int:pk>/reassign/", views.prospect_reassign, name="reassign"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("<int:pk>/hospitality/new/", views.hospitality_create, name="hospitality_create"),
    path("<int:pk>/promises/new/", views.promise_create, name="promise_create"),
    path("promises/", views.promise_list, name="promise_list"),
    path("promises/<int:pk>/keep/", views.promise_keep, name="promise_keep"),
    path("promises/<int:pk>/break/", views.promise_break, name="promise_break"),
    path("hospitality/", views.hospitality_list, name="hospitality_list"),
    path("referrals/", views.referral_ranking, name="referrals"),
    path("territories/", views.territory_list, name="territory_list"),
    path("territories/new/", views.territory_create, name="territory_create"),
    path("territories/<int:pk>/", views.territory_detail, name="territory_detail"),
    path("territories/<int:pk>/edit/", views.territory_edit, name="territory_edit"),
    # Import and export.
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("import/<int:pk>/bad-rows.csv", import_views.import_bad_rows, name="import_bad_rows"),
    path("export.<str:file_format>", import_views.prospect_export, name="export"),
    path("exports/<int:pk>/", import_views.export_status, name="export_status"),
    path("exports/<int:pk>/file", import_views.export_download, name="export_download"),
]

# A supervisor's view of the team (supervision).
from prospects import supervision_views  # noqa: E402

urlpatterns += [
    path("team/", supervision_views.team_overview_page, name="team_overview"),
    path("team/attention/", supervision_views.team_attention, name="team_attention"),
    path("team/handover/", supervision_views.handover, name="handover"),
    path("visits/", supervision_views.visit_list, name="visit_list"),
    path("conversion/", supervision_views.conversion, name="conversion"),
    path("<int:pk>/credit/", supervision_views.client_credit, name="client_credit"),
    path("attachments/<int:pk>/", supervision_views.attachment_download, name="attachment"),
    path("promises/<int:pk>/decline/", supervision_views.promise_decline, name="promise_decline"),
    path(
        "promises/<int:pk>/seen/",
        supervision_views.promise_unconsulted_seen,
        name="promise_unconsulted_seen",
    ),
    path(
        "hospitality/<int:pk>/review/",
        supervision_views.hospitality_review,
        name="hospitality_review",
    ),
]
