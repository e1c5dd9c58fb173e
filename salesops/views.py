"""Pages of the shell: home and the language switch live here; apps add their own."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from salesops.org import selectors
from salesops.tenancy import NotAMember, resolve_member


def member_required(view):
    """Require a logged-in user with an active membership; set ``request.member``."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            request.member = resolve_member(request.user)
        except NotAMember as error:
            raise PermissionDenied from error
        return view(request, *args, **kwargs)

    return wrapper


@member_required
def home(request):
    member = request.member
    # Only people who lead others get the table; an agent would count only themselves.
    headcount = selectors.headcount_by_role(tenant=member.tenant, actor=member) if member.leads_others else {}
    return render(request, "home.html", {"headcount": sorted(headcount.items())})
