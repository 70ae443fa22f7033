"""`otvet token create EMAIL [--name N]`, `otvet token list [EMAIL]`, `otvet token revoke ID_OR_PREFIX`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from otvet.accounts.models import ApiToken, User
from otvet.accounts.selectors import api_tokens_list
from otvet.accounts.services import api_token_create, api_token_revoke
from otvet.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create, list and revoke REST API bearer tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it (it is shown only once).")
        create.add_argument("email")
        create.add_argument("--name", default="", help="What the token is for, e.g. «CRM integration».")
        listing = actions.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("email", nargs="?")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id or its prefix.")
        revoke.add_argument("token", metavar="ID_OR_PREFIX")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = _user(options["email"])
        try:
            _, plain = api_token_create(user=user, name=options["name"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"Token for {user.email} (store it now, it is not shown again):")
        self.stdout.write(plain)

    def _list(self, options: dict[str, Any]) -> None:
        user = _user(options["email"]) if options["email"] else None
        for token in api_tokens_list(user):
            state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.user.email}\t{token.name or '-'}\tused {used}\t{state}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        key: str = options["token"]
        tokens = ApiToken.objects.filter(pk=int(key)) if key.isdigit() else ApiToken.objects.filter(prefix=key[:12])
        matches = list(tokens[:2])
        if not matches:
            raise CommandError("No such token.")
        if len(matches) > 1:
            raise CommandError("Several tokens have this prefix; revoke by id (see `otvet token list`).")
        token = api_token_revoke(token=matches[0])
        self.stdout.write(f"Revoked {token.prefix}… of {token.user.email}.")


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user with the email {email}.")
    return user
