from django.urls import path

from rounds import owner_views, views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("open/", views.open_round, name="open"),
    path("<int:pk>/", views.round_page, name="detail"),
    path("<int:pk>/round.csv", views.round_csv, name="csv"),
    path("<int:pk>/risks/<int:risk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("owners/", owner_views.owner_list, name="owners"),
    path("owners/new/", owner_views.owner_create, name="owner_create"),
    path("owners/<int:owner>/edit/", owner_views.owner_edit, name="owner_edit"),
]
