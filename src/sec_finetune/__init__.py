"""SEC 10-K risk-factor fine-tuning research code: settings, run tracking, model registry."""

from .registry import ModelMetadata, ModelRegistry, RegistryError, VersionExistsError
from .run_context import RUN_FORMAT, RunContext, read_run
from .settings import Settings, SettingsError

__all__ = [
    "RUN_FORMAT",
    "ModelMetadata",
    "ModelRegistry",
    "RegistryError",
    "RunContext",
    "Settings",
    "SettingsError",
    "VersionExistsError",
    "read_run",
]
