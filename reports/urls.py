from django.urls import path

from reports import publication_views, views

app_name = "reports"
urlpatterns = [
    path("", views.paper_list, name="list"),
    path("new/", views.paper_create, name="create"),
    path("<int:pk>/", views.paper_edit, name="edit"),
    path("<int:pk>/appendix-2/", views.paper_appendix_2, name="appendix_2"),
    path("<int:pk>/preview/", views.paper_preview, name="preview"),
    path("<int:pk>/preview/restricted/", views.paper_preview_restricted, name="preview_restricted"),
    path("<int:pk>/paper.pdf", views.paper_pdf, name="pdf"),
    path("<int:pk>/restricted.pdf", views.paper_pdf_restricted, name="pdf_restricted"),
    path("<int:pk>/publish/", publication_views.publish, name="publish"),
]
