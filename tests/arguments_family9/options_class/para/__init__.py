from .settings import Settings
