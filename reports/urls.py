from django.urls import path

from publications import views as publication_views
from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.paper_list, name="list"),
    path("new/", views.paper_create, name="create"),
    path("<int:pk>/", views.paper_edit, name="edit"),
    path("<int:pk>/appendix-2/", views.paper_appendix_2, name="appendix_2"),
    path("<int:pk>/delete/", views.paper_delete, name="delete"),
    path("<int:pk>/start-again/", views.paper_restart, name="restart"),
    path("<int:pk>/preview/", views.paper_preview, name="preview"),
    path("<int:pk>/preview/restricted/", views.paper_preview_restricted, name="preview_restricted"),
    # Draft downloads, one view for every format (reports.formats): public.pdf, restricted.pdf...
    path("<int:pk>/public.<slug:format>", views.paper_file, {"pack": "public"}, name="file"),
    path("<int:pk>/restricted.<slug:format>", views.paper_file, {"pack": "restricted"}, name="file_restricted"),
    # The draft PDF's first address, kept for bookmarks.
    path("<int:pk>/paper.pdf", views.paper_file, {"pack": "public", "format": "pdf"}, name="pdf"),
    path("<int:pk>/publish/", publication_views.publish, name="publish"),
    path("<int:pk>/publish/jobs/<int:job>/", publication_views.publish_job, name="publish_job"),
]
