"""The consultancy's branding on reports: one row, edited by administrators."""

from django.contrib import admin

from assessment.models import ReportBranding


@admin.register(ReportBranding)
class ReportBrandingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "accent", "logo", "updated_at"]
    fields = ["name", "logo", "accent"]

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ReportBranding.objects.exists()
