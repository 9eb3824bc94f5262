"""Per-address limits for forms that could be used to guess or to spam.

Login is throttled by django-axes; sign-up, password reset and invitations use this
counter. It counts in the default cache, which every process shares (Redis or the database
cache, see CACHE_URL), and keys on the same client address that axes uses.
"""

import ipaddress
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_address(request) -> str | None:
    """The visitor's address, as seen by the outermost of PROXY_COUNT trusted proxies;
    None when the request came from no address at all (a request built in code).

    Each proxy appends the address it received the request from to X-Forwarded-For, so
    with N proxies the client is the N-th entry from the right; anything to its left was
    written by the client and cannot be trusted.
    """
    # Axes stores the address in an inet column: None, never a made-up word, when unknown.
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def allow(request, scope: str) -> bool:
    """Count one attempt; False once the address has used up its attempts in the window."""
    key = f"throttle:{scope}:{client_address(request) or 'unknown'}"
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
