from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Membership, User


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


class PortalUserCreationForm(AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "phone", "full_name")


class PortalUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ["full_name"]
    list_display = [
        "full_name",
        "email",
        "phone",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_staff", "is_active", "memberships__role"]
    search_fields = ["full_name", "email", "phone", "national_id"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (
            _("Personal information"),
            {"fields": ("full_name", "national_id", "address")},
        ),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "phone", "full_name", "password1", "password2"),
            },
        ),
    )


class ChildAgencyInline(admin.TabularInline[Agency, Agency]):
    model = Agency
    fk_name = "parent"
    fields = ["code", "name", "kind", "hotline"]
    extra = 0
    show_change_link = True


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin[Agency]):
    list_display = ["code", "name", "kind", "parent", "hotline", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["parent"]
    inlines = [ChildAgencyInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    list_display = ["user", "agency", "role", "created_at"]
    list_filter = ["role", "agency__kind"]
    search_fields = ["user__full_name", "user__email", "agency__name", "agency__code"]
    autocomplete_fields = ["user", "agency"]
