"""The login's protection against guessing, on django-axes.

axes records each failed login in the auth database (its AccessAttempt
rows, listed in the admin, where deleting one lifts its lockout) and refuses
logins while a client is locked out. What this module adds:

- two limits: failures per (username, client address) and per client
  address lock; failures per username across all addresses only slow each
  attempt down, so that nobody can lock the real admin out from elsewhere;
- the client address behind DJANGO_TRUSTED_PROXIES proxies;
- a right password of an account that may not use the admin counts as a
  failure, as a wrong one does (otherwise it would tell the guesser so);
- the lockout answer: the admin's login page, 429, saying when to retry.
"""

import math
import time
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import Max, Sum
from django.utils import timezone

# Tests replace it to see the slow-down without waiting.
pause = time.sleep


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


def login_username(request, credentials=None):
    """Return the username a login attempt is counted under: "ADA" and "ada" are one."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username")
    return username.casefold() if username else username


def _recent():
    """Return the AccessAttempt rows still inside the window."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    return AccessAttempt.objects.filter(attempt_time__gte=since)


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def _locks(request, credentials=None):
    """Return the recent attempts of each limit this client is over (empty when none)."""
    recent = _recent()
    address = client_address(request)
    pair = recent.filter(username=get_client_username(request, credentials),
                         ip_address=address)
    from_address = recent.filter(ip_address=address)
    return [
        attempts for attempts, limit in (
            (pair, settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS),
            (from_address, settings.LOGIN_FAILURES_PER_ADDRESS),
        )
        if _failures(attempts) >= limit
    ]


def seconds_until_unlocked(request, credentials=None):
    """Return how long this client stays locked out: the window after its last counted
    failure (at least 1 second)."""
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    ends = [attempts.aggregate(last=Max("attempt_time"))["last"] + window
            for attempts in _locks(request, credentials)]
    if not ends:
        return 1
    return max(1, math.ceil((max(ends) - timezone.now()).total_seconds()))


class LoginAttemptsHandler(AxesDatabaseHandler):
    """axes' database handler, with the address's own limit beside the (username, address) one.

    axes compares one count with one limit (AXES_FAILURE_LIMIT, the (username,
    address) limit); the attempts of the whole address are weighed here.
    """

    def get_failures(self, request, credentials=None):
        pair = super().get_failures(request, credentials)
        from_address = _failures(_recent().filter(ip_address=client_address(request)))
        if from_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(pair, settings.AXES_FAILURE_LIMIT)  # locked, whatever the username
        return pair


class LoginAttemptsBackend(AxesStandaloneBackend):
    """axes' backend, for web logins only: authenticate() without a request (a command,
    the shell) has no client to count."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def _slow_down(username):
    """Wait before checking a password for a username that many addresses are guessing."""
    if _failures(_recent().filter(username=username)) >= settings.LOGIN_FAILURES_PER_USERNAME:
        pause(settings.LOGIN_SLOWDOWN_SECONDS)


class RateLimitedLoginForm(AdminAuthenticationForm):
    """The admin's login form, counting refused accounts as failures and saying when a
    locked-out client may retry."""

    # 503 when the attempts table cannot be used; the view sets it.
    refusal_status = None

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()
        try:
            _slow_down(login_username(self.request, {"username": username}))
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise self._locked_out() from None
            raise
        except DatabaseError as error:
            self.refusal_status = 503
            raise ValidationError(
                "Logging in is unavailable: the login-attempts table cannot be used "
                f"({error.__class__.__name__}). An operator should run "
                "`python manage.py migrate`.",
                code="limiter_unavailable",
            ) from error

    def confirm_login_allowed(self, user):
        try:
            super().confirm_login_allowed(user)
        except ValidationError:
            # The right password of an inactive or non-staff account: a failure like any
            # other, or the page would confirm the guess by answering differently.
            user_login_failed.send(sender=__name__, request=self.request,
                                   credentials={"username": self.cleaned_data["username"]})
            raise

    def _locked_out(self):
        seconds = seconds_until_unlocked(self.request)
        self.request.login_retry_after = seconds
        minutes = math.ceil(seconds / 60)
        return ValidationError(
            "Too many failed logins for this username from this address, or from this "
            "address. Try again in %(minutes)d minute%(plural)s.",
            code="rate_limited",
            params={"minutes": minutes, "plural": "" if minutes == 1 else "s"},
        )


def lockout_response(request, original_response=None, credentials=None):
    """Answer a locked-out login 429 with Retry-After: the admin's login page, whose form
    says when to retry (axes' AXES_LOCKOUT_CALLABLE)."""
    seconds = getattr(request, "login_retry_after", None)
    if seconds is None:
        seconds = seconds_until_unlocked(request, credentials)
    if original_response is None:
        original_response = admin.site.login(request)
    original_response.status_code = 429
    original_response["Retry-After"] = str(seconds)
    return original_response


def admin_login(request, extra_context=None):
    """The admin's login view, answering 503 when the login-attempts table cannot be used."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(form, "refusal_status", None):
        response.status_code = form.refusal_status
    return response
