from django.urls import path

from risks import views

app_name = "risks"
urlpatterns = [
    path("", views.register, name="register"),
]
