"""What a locked-out login gets (django-axes calls this): JSON for the API, a page for people."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response, credentials):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Too many failed login attempts. Try again later.")}, status=429)
    return render(request, "registration/locked_out.html", status=429)
