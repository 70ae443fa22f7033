"""Canned responses in the workspace, at /desk/canned/: the page, the form and the composer's picker."""

from __future__ import annotations

from django.urls import path

from otvet.canned import views

urlpatterns = [
    path("", views.canned_list_view, name="canned-list"),
    path("new/", views.canned_new_view, name="canned-new"),
    path("search/", views.canned_search_view, name="canned-search"),
    path("<int:pk>/", views.canned_edit_view, name="canned-edit"),
    path("<int:pk>/delete/", views.canned_delete_view, name="canned-delete"),
    path("<int:pk>/use/<int:number>/", views.canned_use_view, name="canned-use"),
]
