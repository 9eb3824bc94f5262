from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("healthz", lambda request: HttpResponse("ok"), name="healthz"),
    path("survey/", include("survey.urls")),
]
