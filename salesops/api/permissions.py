"""The permission every endpoint carries: an active membership, resolved server-side."""

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from salesops.tenancy import NotAMember, resolve_member


class IsActiveMember(permissions.BasePermission):
    """Allow only users with an active membership; put it on ``request.member``.

    Runs after authentication (session or token), so it is the one place the
    API learns the tenant, from the server's own records.
    """

    message = _("Your account is not an active member of any organisation.")

    def has_permission(self, request, view):
        try:
            request.member = resolve_member(request.user)
        except NotAMember:
            return False
        return True
