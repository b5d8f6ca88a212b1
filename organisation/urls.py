from django.urls import path

from organisation import entry_views, views

app_name = "organisation"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisation/", views.organisation_edit, name="organisation"),
    path("bands/", views.bands, name="bands"),
    path("bands.css", views.bands_css, name="bands_css"),
    path("appetite/", views.appetites, name="appetites"),
    path("appetite/<int:category>/", views.appetite_edit, name="appetite_edit"),
    path("history/", views.history, name="history"),
    path("<slug:kind>/", entry_views.entries, name="entries"),
    path("<slug:kind>/new/", entry_views.entry_create, name="entry_create"),
    path("<slug:kind>/<int:pk>/", entry_views.entry_edit, name="entry_edit"),
    path("<slug:kind>/<int:pk>/delete/", entry_views.entry_delete, name="entry_delete"),
]
