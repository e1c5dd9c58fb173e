"""Django admin, for platform operators (superusers) only; tenants use the app itself."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from salesops.org.models import Channel, Member, OrgUnit, Product, Tenant, User


@admin.register(User)
class SalesOpsUserAdmin(UserAdmin):
    list_display = ("username", "tenant", "is_active", "is_superuser")
    list_filter = ("tenant", "is_active", "is_superuser")
    fieldsets = UserAdmin.fieldsets + (("SalesOps", {"fields": ("tenant",)}),)


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "time_zone", "language")


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "tenant", "parent")
    list_filter = ("tenant", "kind")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("display_name", "employee_no", "role", "tier", "unit", "tenant", "active")
    list_filter = ("tenant", "role", "tier", "active")
    raw_id_fields = ("user", "unit", "supervisor")


admin.site.register(Channel)
admin.site.register(Product)
