from django.urls import path

from panel import alignment_views, lever_views, views

app_name = "panel"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/answer/", views.item_answer, name="answer"),
    path("deep-dives/new/", views.deep_dive_create, name="deep_dive_create"),
    path("risks/<int:risk>/partners/", alignment_views.risk_partners, name="risk_partners"),
    path("alignments/<int:pk>/remove/", alignment_views.remove_alignment, name="remove_alignment"),
    path("levers/", lever_views.lever_coverage, name="levers"),
    path("levers.csv", lever_views.lever_coverage_csv, name="levers_csv"),
    path("ask/<int:paper>/v<int:version>/", views.ask, name="ask"),
]
