"""/healthz for load balancers, which ask by a server's IP address rather than its host name."""

from django.conf import settings
from django.http.request import split_domain_port, validate_host

HEALTHZ = "/healthz"


class HealthCheckMiddleware:
    """Let /healthz through the Host check of CommonMiddleware, whatever Host it names.

    An Application Load Balancer's health check sends the task's private IP
    address as its Host, which DJANGO_ALLOWED_HOSTS rightly leaves out. For
    /healthz alone, such a request is served as if it named the first allowed
    host: its answer builds no URL from the host. Every other page still
    answers 400 to a host outside the list.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTHZ and settings.ALLOWED_HOSTS:
            domain, _port = split_domain_port(request.META.get("HTTP_HOST", ""))
            if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
                request.META["HTTP_HOST"] = settings.ALLOWED_HOSTS[0].lstrip(".")
        return self.get_response(request)
