from django.urls import path

from panel import views

app_name = "panel"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/answer/", views.item_answer, name="answer"),
    path("ask/<int:paper>/v<int:version>/", views.ask, name="ask"),
]
