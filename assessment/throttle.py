"""Per-address limits for forms that could be used to guess or to spam.

Login is throttled by django-axes; sign-up, password reset and invitations use this
counter in the cache (shared between workers when the cache is Redis or the database).
"""

from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def allow(request, scope: str) -> bool:
    """Count one attempt; False once the address has used up its attempts in the window."""
    key = f"throttle:{scope}:{client_address(request)}"
    window = settings.FORM_THROTTLE_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return True
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return True
    return attempts <= settings.FORM_THROTTLE_LIMIT


def throttle_posts(scope: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and not allow(request, scope):
                minutes = settings.FORM_THROTTLE_WINDOW_SECONDS // 60
                return render(
                    request, "registration/throttled.html", {"minutes": minutes}, status=429
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
