from django.urls import path

from reports import publication_views as views

app_name = "published"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:paper>/", views.current, name="current"),
    path("<int:paper>/v<int:version>/", views.version_page, name="version"),
    path("<int:paper>/v<int:version>/restricted/", views.version_page_restricted, name="version_restricted"),
    path("<int:paper>/v<int:version>/public.pdf", views.public_pdf, name="pdf"),
    path("<int:paper>/v<int:version>/public.html", views.public_html, name="html"),
    path("<int:paper>/v<int:version>/restricted.pdf", views.restricted_pdf, name="pdf_restricted"),
    path("<int:paper>/v<int:version>/restricted.html", views.restricted_html, name="html_restricted"),
]
