from django.apps import AppConfig


class CategoriesConfig(AppConfig):
    name = "wangge.categories"
    verbose_name = "事项分类"
