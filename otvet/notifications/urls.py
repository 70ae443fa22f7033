"""Notifications: /desk/notifications/ for agents, /notifications/ for customers, one badge for both."""

from __future__ import annotations

from django.urls import path

from otvet.notifications import views

urlpatterns = [
    path("desk/notifications/", views.desk_list, name="notifications-desk"),
    path("desk/notifications/<int:pk>/open/", views.desk_open, name="notifications-desk-open"),
    path("desk/notifications/read-all/", views.desk_read_all, name="notifications-desk-read-all"),
    path("notifications/", views.portal_list, name="notifications-portal"),
    path("notifications/<int:pk>/open/", views.portal_open, name="notifications-portal-open"),
    path("notifications/read-all/", views.portal_read_all, name="notifications-portal-read-all"),
    path("notifications/unread/", views.unread_badge, name="notifications-unread"),
]
