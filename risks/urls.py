from django.urls import path

from risks import appetite_views, dependency_views, register_views, views, workbook_views

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
    # Risk appetite (issue 17): accept a risk outside appetite, withdraw an acceptance.
    path("<int:pk>/appetite/accept/", appetite_views.accept, name="accept_outside_appetite"),
    path("<int:pk>/appetite/withdraw/", appetite_views.withdraw, name="withdraw_acceptance"),
    path("export.csv", register_views.export_csv, name="export_csv"),
    path("export.xlsx", register_views.export_xlsx, name="export_xlsx"),
    # The full register workbook, out and in (issue 14).
    path("workbook.xlsx", workbook_views.download_workbook, name="workbook"),
    path("workbook-template.xlsx", workbook_views.download_template, name="workbook_template"),
    path("import/", workbook_views.upload, name="import"),
    path("import/preview/", workbook_views.preview, name="import_preview"),
]
