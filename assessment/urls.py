from django.urls import path

from assessment import views

urlpatterns = [
    path("", views.home, name="home"),
]
