"""HTML pages of the org: the tree and members within the viewer's scope."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from salesops.org import selectors
from salesops.views import member_required


@member_required
def org_page(request):
    actor = request.member
    if not actor.leads_others:
        raise PermissionDenied
    units = list(selectors.unit_list(tenant=actor.tenant, actor=actor))
    members_by_unit = defaultdict(list)
    for member in selectors.member_list(tenant=actor.tenant, actor=actor):
        members_by_unit[member.unit_id].append(member)
    base_depth = min((unit.path.count("/") for unit in units), default=0)
    rows = [
        {"unit": unit, "depth": unit.path.count("/") - base_depth, "members": members_by_unit.get(unit.pk, [])}
        for unit in units
    ]
    return render(request, "org/org_page.html", {"rows": rows})
