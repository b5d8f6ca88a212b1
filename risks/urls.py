from django.urls import path

from risks import dependency_views, register_views, views

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
    path("<int:pk>/dependencies/", dependency_views.dependencies, name="dependencies"),
    path("<int:pk>/dependencies/<int:dependency>/remove/", dependency_views.remove_dependency, name="remove_dependency"),
    path("export.csv", register_views.export_csv, name="export_csv"),
    path("export.xlsx", register_views.export_xlsx, name="export_xlsx"),
]
