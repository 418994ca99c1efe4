"""Protections Django does not ship: a Content-Security-Policy header and a login rate limit.

The other security headers (X-Frame-Options, nosniff, Referrer-Policy,
Cross-Origin-Opener-Policy, HSTS) come from Django's own middleware, set up
in contactsite.settings.
"""

import hashlib
import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import DatabaseError

# --- Content-Security-Policy ----------------------------------------------------------


class ContentSecurityPolicyMiddleware:
    """Add settings.CONTENT_SECURITY_POLICY to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # DEBUG's technical 404 and 500 pages carry inline style and script;
        # the policy would leave them blank. DEBUG is `make run` only.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


# --- Login rate limit -------------------------------------------------------------------
#
# Every login attempt first takes one of a limited number of slots, per
# username and per client address, each slot held for the window. Taking a
# slot is the cache's atomic add(), so parallel guesses from several workers
# cannot all slip through between a check and a count. A successful login
# gives its slots back and frees the username's; a failed one keeps them.


def now():
    """Return the time in seconds (tests replace it to move past a lockout)."""
    return time.time()


def client_address(request):
    """Return the client's address: REMOTE_ADDR, or the one the outermost trusted proxy saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if proxies and forwarded:
        # Each proxy appends the address it saw; what a client sends itself
        # stays on the left, beyond the trusted hops.
        return forwarded[max(0, len(forwarded) - proxies)]
    return request.META.get("REMOTE_ADDR", "")


def _key(kind, value):
    # Hashed: usernames are any text, cache keys are not.
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"login-attempts:{kind}:{digest}"


def _slots(key, limit):
    return [f"{key}:{number}" for number in range(limit)]


@dataclass
class Attempt:
    """One login attempt's slots; `retry_after` > 0 means it was refused."""

    retry_after: int = 0
    taken: list = field(default_factory=list)
    username_key: str = ""

    @property
    def refused(self):
        return self.retry_after > 0

    def succeeded(self):
        """Forget the username's failures and give back this attempt's address slot."""
        cache = caches[settings.LOGIN_ATTEMPTS_CACHE]
        cache.delete_many(
            [*self.taken, *_slots(self.username_key, settings.LOGIN_FAILURES_PER_USERNAME)]
        )

    def withdrawn(self):
        """Give back this attempt's slots: it was no guess (e.g. the right password)."""
        caches[settings.LOGIN_ATTEMPTS_CACHE].delete_many(self.taken)


def _take_slot(cache, key, limit, window, moment):
    """Take a free slot under `key` and return its name, or None when all are held."""
    slots = _slots(key, limit)
    held = cache.get_many(slots)
    for slot in slots:
        stamp = held.get(slot)
        if stamp is not None and stamp > moment - window:
            continue
        if stamp is not None:
            cache.delete(slot)  # past the window by our clock, not yet by the cache's
        if cache.add(slot, moment, timeout=window):
            return slot
    return None


def _seconds_until_free(cache, key, limit, window, moment):
    stamps = cache.get_many(_slots(key, limit)).values()
    if not stamps:
        return 1
    return max(1, math.ceil(min(stamps) + window - moment))


def begin_attempt(request, username):
    """Take a slot for a login attempt, or return a refused Attempt saying when to retry.

    Raises DatabaseError when the shared cache table cannot be used.
    """
    cache = caches[settings.LOGIN_ATTEMPTS_CACHE]
    window = settings.LOGIN_FAILURE_WINDOW
    moment = now()
    attempt = Attempt(username_key=_key("username", username.casefold()))
    limits = [
        (attempt.username_key, settings.LOGIN_FAILURES_PER_USERNAME),
        (_key("address", client_address(request)), settings.LOGIN_FAILURES_PER_ADDRESS),
    ]
    for key, limit in limits:
        slot = _take_slot(cache, key, limit, window, moment)
        if slot is None:
            attempt.withdrawn()
            attempt.taken = []
            attempt.retry_after = _seconds_until_free(cache, key, limit, window, moment)
            return attempt
        attempt.taken.append(slot)
    return attempt


class RateLimitedLoginForm(AdminAuthenticationForm):
    """The admin's login form, refusing to check passwords while over the limit."""

    # The status the login page answers with; the view sets it.
    refusal_status = None
    retry_after = None

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return super().clean()
        try:
            attempt = begin_attempt(self.request, username)
        except DatabaseError as error:
            self.refusal_status = 503
            raise ValidationError(
                "Logging in is unavailable: the login-attempts table cannot be used "
                f"({error.__class__.__name__}). An operator should run "
                "`python manage.py createcachetable`.",
                code="limiter_unavailable",
            ) from error
        if attempt.refused:
            self.refusal_status = 429
            self.retry_after = attempt.retry_after
            minutes = math.ceil(attempt.retry_after / 60)
            raise ValidationError(
                "Too many failed logins for this username or from this address. "
                "Try again in %(minutes)d minute%(plural)s.",
                code="rate_limited",
                params={"minutes": minutes, "plural": "" if minutes == 1 else "s"},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if self.user_cache is not None:
                attempt.withdrawn()  # right password, but inactive or not staff
            raise
        attempt.succeeded()
        return cleaned


def admin_login(request, extra_context=None):
    """The admin's login view, answering 429 (or 503) when the rate limit refuses."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    status = getattr(form, "refusal_status", None)
    if status:
        response.status_code = status
        if form.retry_after:
            response["Retry-After"] = str(form.retry_after)
    return response
