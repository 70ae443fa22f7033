from __future__ import annotations

from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "otvet.customers"
    label = "customers"
    verbose_name = "Customers"
