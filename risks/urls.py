from django.urls import path

from risks import register_views, views

app_name = "risks"
urlpatterns = [
    path("", register_views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
]
