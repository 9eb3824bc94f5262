from django.contrib.auth import views as auth_views
from django.urls import path

from assessment import forms
from assessment.throttle import throttle_posts
from assessment.views import (
    accounts,
    actions,
    calibration,
    downloads,
    notifications,
    optional,
    plans,
    questionnaire,
    results,
    site,
    team,
)

urlpatterns = [
    path("", site.home, name="home"),
    path("signup/", accounts.signup, name="signup"),
    path("signup/sent/", accounts.signup_sent, name="signup_sent"),
    path("signup/confirm/<uidb64>/<token>/", accounts.signup_confirm, name="signup_confirm"),
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
    path("invitations/<str:token>/", accounts.accept_invitation, name="accept_invitation"),
    path(
        "account/notifications/",
        notifications.notification_settings,
        name="notification_settings",
    ),
    path(
        "notifications/unsubscribe/<str:kind>/<str:token>/",
        notifications.unsubscribe,
        name="unsubscribe",
    ),
    path("team/", team.members, name="members"),
    path("team/invite/", team.invite, name="invite"),
    path("team/export.json", team.organisation_export, name="organisation_export"),
    path("team/delete/", team.organisation_delete, name="organisation_delete"),
    path("healthz", site.healthz, name="healthz"),
    path("actions/", actions.action_plan, name="action_plan"),
    path("actions/<int:action_id>/", actions.action_edit, name="action_edit"),
    path("actions/<int:action_id>/status/", actions.action_status, name="action_status"),
    path(
        "actions/export.<str:extension>",
        actions.action_export,
        name="action_export",
    ),
    path("assessments/", questionnaire.dashboard, name="dashboard"),
    path("assessments/new/", questionnaire.assessment_start, name="assessment_start"),
    path(
        "assessments/<int:assessment_id>/",
        questionnaire.assessment_overview,
        name="assessment_overview",
    ),
    path(
        "assessments/<int:assessment_id>/sections/<slug:section_slug>/",
        questionnaire.section,
        name="assessment_section",
    ),
    path(
        "assessments/<int:assessment_id>/sections/<slug:section_slug>/applies/",
        optional.section_applies,
        name="assessment_section_applies",
    ),
    path("assessments/<int:assessment_id>/targets/", plans.targets, name="assessment_targets"),
    path(
        "assessments/<int:assessment_id>/calibration/",
        calibration.calibration_page,
        name="assessment_calibration",
    ),
    path(
        "assessments/<int:assessment_id>/team/finished/",
        calibration.finished,
        name="assessment_team_finished",
    ),
    path(
        "assessments/<int:assessment_id>/team/settings/",
        calibration.team_settings,
        name="assessment_team_settings",
    ),
    path("assessments/<int:assessment_id>/review/", questionnaire.review, name="assessment_review"),
    path("assessments/<int:assessment_id>/submit/", questionnaire.submit, name="assessment_submit"),
    path(
        "assessments/<int:assessment_id>/results/", results.results_page, name="assessment_results"
    ),
    path(
        "assessments/<int:assessment_id>/results.json",
        results.results_json,
        name="assessment_results_json",
    ),
    path(
        "assessments/<int:assessment_id>/report.pdf", results.report_pdf, name="assessment_report"
    ),
    path(
        "assessments/<int:assessment_id>/board-report.pdf",
        results.board_report_pdf,
        name="assessment_board_report",
    ),
    path(
        "assessments/<int:assessment_id>/report.docx",
        downloads.report_word,
        name="assessment_report_docx",
    ),
    path(
        "assessments/<int:assessment_id>/results.xlsx",
        downloads.results_xlsx,
        name="assessment_results_xlsx",
    ),
]
