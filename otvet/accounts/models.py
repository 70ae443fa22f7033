"""People who sign in: users, the agent profile of staff, and API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from otvet.accounts.choices import Presence, Role
from otvet.core import clock


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: a customer (linked to a Contact) or staff (with an Agent profile)."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=clock.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email


class Agent(models.Model):
    """The staff side of a user: role, organisation (the platform or a partner), presence."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="agent")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    partner = models.ForeignKey(
        "customers.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agents",
        help_text=_("Empty for the platform's own staff."),
    )
    presence = models.CharField(_("presence"), max_length=16, choices=Presence.choices, default=Presence.OFFLINE)
    is_active = models.BooleanField(_("active"), default=True)
    schedule = models.ForeignKey(
        "sla.Calendar",
        verbose_name=_("shift schedule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Auto-assignment gives tickets only during these hours; empty means any time."),
    )
    max_open_tickets = models.PositiveSmallIntegerField(
        _("open tickets at most"), null=True, blank=True, help_text=_("Auto-assignment stops at this many.")
    )
    # Round robin hands the next ticket to the member who got one longest ago.
    last_auto_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_supervisor(self) -> bool:
        """Supervisors and admins oversee their whole organisation and may force a claim."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


class ApiToken(models.Model):
    """A bearer token for the REST API; only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, help_text=_("The first characters, to recognise it."))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
