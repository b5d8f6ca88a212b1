from django.urls import path

from risks import register_views, views

app_name = "risks"
urlpatterns = [
    path("", register_views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("export.csv", register_views.export_csv, name="export_csv"),
    path("export.xlsx", register_views.export_xlsx, name="export_xlsx"),
]
