from django.urls import path

from publications import views

app_name = "published"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:paper>/", views.current, name="current"),
    path("<int:paper>/v<int:version>/", views.version_page, name="version"),
    path("<int:paper>/v<int:version>/restricted/", views.version_page_restricted, name="version_restricted"),
    # Every stored file, one view for every format: public.pdf, restricted.html... (the
    # URLs of the first publications included) and whatever format is added later.
    path("<int:paper>/v<int:version>/public.<slug:format>", views.published_file, {"pack": "public"}, name="file"),
    # Open data of the public pack (publications.open_data, docs/open-data.md).
    path("<int:paper>/v<int:version>/appendix-1.csv", views.open_data_file, {"kind": "csv"}, name="open_data_csv"),
    path("<int:paper>/v<int:version>/data.json", views.open_data_file, {"kind": "json"}, name="open_data_json"),
    path("<int:paper>/v<int:version>/restricted.<slug:format>", views.published_file, {"pack": "restricted"},
         name="file_restricted"),
]
