from django.urls import path

from risks import register_views, views

app_name = "risks"
urlpatterns = [
    path("", register_views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("new/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/history/<int:history_id>/restore/", views.restore, name="restore"),
    path("export.csv", register_views.export_csv, name="export_csv"),
    path("export.xlsx", register_views.export_xlsx, name="export_xlsx"),
]
