from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "wangge.registry"
    verbose_name = "人口信息库"
