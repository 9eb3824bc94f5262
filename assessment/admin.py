from django.contrib import admin

from assessment import models


class ChoiceInline(admin.TabularInline):
    model = models.Choice
    extra = 0


class GuidanceInline(admin.TabularInline):
    model = models.ComponentGuidance
    extra = 0


@admin.register(models.QuestionBank)
class QuestionBankAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "status", "published_at", "question_count"]
    list_filter = ["status"]


@admin.register(models.Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "bank", "layout", "order"]
    list_filter = ["bank"]


@admin.register(models.Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "foundation", "roadmap_stage"]
    list_filter = ["section__bank", "foundation"]
    list_select_related = ["section"]
    inlines = [GuidanceInline]


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["slug", "text", "component", "allows_not_applicable"]
    list_filter = ["component__section__bank"]
    list_select_related = ["component"]
    search_fields = ["slug", "text"]
    inlines = [ChoiceInline]


@admin.register(models.Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "size", "created_at"]
    list_filter = ["sector", "size"]
    search_fields = ["name"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "joined_at"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__email", "organisation__name"]


@admin.register(models.Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["organisation"]


@admin.register(models.Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "status", "submitted_at", "bank", "overall_level"]
    list_filter = ["status", "overall_level"]
    list_select_related = ["organisation", "bank"]
    search_fields = ["organisation__name"]


@admin.register(models.Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ["assessment", "question", "status", "choice", "updated_at"]
    list_select_related = ["assessment", "question", "choice"]
    raw_id_fields = ["assessment", "question", "choice"]


admin.site.register(models.ComponentGuidance)
admin.site.register(models.Choice)
admin.site.register(models.ReviewEvent)
admin.site.register(models.ConsultantNote)
admin.site.site_header = "MLOps Maturity Assessment — administration"
admin.site.site_title = "MLOps Maturity admin"
