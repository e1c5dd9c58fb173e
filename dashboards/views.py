"""The alerts inbox page: the alerts in the caller's scope, each with its PDCA loop.

Opening the page marks the caller's notices shown on it read (the header's
badge counts the unread ones). Leaders move an alert through root cause →
action → verify → closed with a plain form; the rules and their messages are
the service's (dashboards/services/alerts.py), errors shown by the field.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from dashboards.models import Alert
from dashboards.selectors import alerts as selectors
from dashboards.services import alerts as services
from salesops.views import member_required

PAGE_SIZE = 50
ACTIONS = {
    # The buttons of the form: which status each asks for.
    "save": None,
    "acknowledge": Alert.Status.ACKNOWLEDGED,
    "close": Alert.Status.RESOLVED,
}


def _filters(request) -> dict:
    status = request.GET.get("status", "open_or_acknowledged")
    kind = request.GET.get("kind", "")
    return {
        "status": status if status in Alert.Status.values else "",
        "kind": kind if kind in Alert.Kind.values else "",
        "open_only": status == "open_or_acknowledged",
    }


@member_required
@require_http_methods(["GET", "POST"])
def alerts_page(request):
    actor = request.member
    tenant = actor.tenant
    errors: dict[int, dict[str, list[str]]] = {}
    if request.method == "POST":
        alert = selectors.access_alert_by_id(tenant=tenant, actor=actor, id=request.POST.get("alert"))
        if not actor.leads_others:
            raise PermissionDenied
        changes = {name: request.POST.get(name, "") for name in services.PDCA_FIELDS}
        status = ACTIONS.get(request.POST.get("do", "save"))
        if status:
            changes["status"] = status
        try:
            services.alert_update(tenant=tenant, actor=actor, alert=alert, changes=changes)
        except ValidationError as error:
            errors[alert.pk] = error.message_dict
        else:
            return HttpResponseRedirect(f"{reverse('alerts-page')}?{request.GET.urlencode()}#alert-{alert.pk}")
    filters = _filters(request)
    queryset = selectors.alert_list(tenant=tenant, actor=actor, filters=filters)
    if filters["open_only"]:
        queryset = queryset.exclude(status=Alert.Status.RESOLVED)
    alerts = list(queryset[:PAGE_SIZE])
    for alert in alerts:
        alert.summary = services.alert_summary(alert)
        alert.step = services.pdca_step(alert)
        alert.errors = errors.get(alert.pk, {})
        if alert.errors:  # show what was typed, not what is stored
            for name in services.PDCA_FIELDS:
                setattr(alert, name, request.POST.get(name, ""))
    services.notices_mark_read(tenant=tenant, recipient=actor, alert_ids=[alert.pk for alert in alerts])
    context = {
        "alerts": alerts,
        "total": queryset.count(),
        "page_size": PAGE_SIZE,
        "filters": filters,
        "statuses": [("open_or_acknowledged", None)] + list(Alert.Status.choices),
        "kinds": Alert.Kind.choices,
        "can_edit": actor.leads_others,
        "steps": [
            ("root_cause", services.PDCA_LABELS["root_cause"]),
            ("action", services.PDCA_LABELS["action"]),
            ("verify", services.PDCA_LABELS["verify"]),
            ("closed", services.PDCA_LABELS["closed"]),
        ],
        "query": urlencode({k: v for k, v in request.GET.items() if k in ("status", "kind")}),
    }
    return render(request, "dashboards/alerts.html", context, status=400 if errors else 200)
