"""Pages of the site itself: the home page, the CSRF failure page, the health check."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from assessment import (
    forms,
    results,
    selectors,
)

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    check = forms.AudienceCheckForm(request.GET or None)
    advice = check.advice() if check.is_valid() else None
    bank = selectors.current_bank_summary()
    return render(
        request,
        "assessment/home.html",
        {
            "check": check,
            "advice": advice,
            "bank": bank,
            "sample_radar": results.example_radar(bank.sections if bank else []),
        },
    )


def csrf_failure(request, reason: str = ""):
    return render(request, "403_csrf.html", status=403)


@require_safe
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check failed: database unavailable")
        return JsonResponse({"status": "unavailable", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
