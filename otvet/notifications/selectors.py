"""Reading notifications: always a user's own, through the per-user indexes."""

from __future__ import annotations

from otvet.accounts.models import User
from otvet.core.pagination import Page, paginate
from otvet.notifications.models import Notification

PAGE_SIZE = 30
ORDERING = ("-created_at", "-id")
# The bell counts at most this many (a bounded scan of the unread index); more shows as «99+».
UNREAD_CAP = 100


def notifications_unread_count(user: User) -> int:
    """How many unread notifications `user` has, up to UNREAD_CAP: one query on the partial unread index."""
    return Notification.objects.filter(user=user, read_at__isnull=True)[:UNREAD_CAP].count()


def notifications_page(user: User, cursor: str | None, size: int = PAGE_SIZE) -> Page:
    """One page of `user`'s notifications, newest first (keyset by the recent index); InvalidInput on a bad cursor."""
    rows = Notification.objects.filter(user=user).only("pk", "ticket_id", "text", "created_at", "read_at")
    return paginate(rows, ORDERING, cursor, size)
