from django.contrib.auth import views as auth_views
from django.urls import path

from assessment import forms, views
from assessment.throttle import throttle_posts

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("signup/sent/", views.signup_sent, name="signup_sent"),
    path("signup/confirm/<uidb64>/<token>/", views.signup_confirm, name="signup_confirm"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=forms.EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password-reset/",
        throttle_posts("password-reset")(
            auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm)
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("team/", views.members, name="members"),
    path("team/invite/", views.invite, name="invite"),
    path("team/export.json", views.organisation_export, name="organisation_export"),
    path("team/delete/", views.organisation_delete, name="organisation_delete"),
    path("healthz", views.healthz, name="healthz"),
    path("assessments/", views.dashboard, name="dashboard"),
    path("assessments/new/", views.assessment_start, name="assessment_start"),
    path("assessments/<int:assessment_id>/", views.assessment_overview, name="assessment_overview"),
    path(
        "assessments/<int:assessment_id>/sections/<slug:section_slug>/",
        views.section,
        name="assessment_section",
    ),
    path("assessments/<int:assessment_id>/review/", views.review, name="assessment_review"),
    path("assessments/<int:assessment_id>/submit/", views.submit, name="assessment_submit"),
    path("assessments/<int:assessment_id>/results/", views.results_page, name="assessment_results"),
    path(
        "assessments/<int:assessment_id>/results.json",
        views.results_json,
        name="assessment_results_json",
    ),
    path("assessments/<int:assessment_id>/report.pdf", views.report_pdf, name="assessment_report"),
]
