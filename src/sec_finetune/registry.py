"""A file-system model registry: ``{root}/{model_name}/{version}/metadata.json``.

A registered version is immutable: each version directory is claimed with an atomic
``os.mkdir`` and never written over, so a results table citing ``risk-clf v3`` keeps
meaning the same model.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    StringConstraints,
    ValidationError,
    field_validator,
)

from .atomic import atomic_write_text
from .settings import Settings, format_validation_errors

__all__ = [
    "METADATA_FILE",
    "ModelMetadata",
    "ModelNotFoundError",
    "ModelRegistry",
    "RegistryError",
    "VersionExistsError",
]

METADATA_FILE = "metadata.json"
_AUTO_VERSION_RE = re.compile(r"^v(\d+)$")

# Both end up as directory names.
PathComponent = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class RegistryError(Exception):
    """Invalid metadata or an inconsistent registry on disk."""


class VersionExistsError(RegistryError):
    """The requested version is already registered (versions are never overwritten)."""


class ModelNotFoundError(RegistryError, LookupError):
    pass


class ModelMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: PathComponent
    version: PathComponent
    git_sha: str | None = None
    training_run_id: str | None = None
    # FiniteFloat: NaN/inf cannot round-trip through strict JSON.
    metrics: dict[str, FiniteFloat] = Field(default_factory=dict)
    artifacts: dict[str, str] = Field(default_factory=dict)  # role -> path
    created: AwareDatetime = Field(default_factory=lambda: datetime.now(UTC))

    @field_validator("artifacts", mode="before")
    @classmethod
    def _paths_to_str(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: v.as_posix() if isinstance(v, PurePath) else v for k, v in value.items()}
        return value


def _version_key(version: str) -> tuple[Any, ...]:
    # Natural order so that v10 sorts after v9; re.split with a group alternates
    # str/int positions, so tuples never compare an int with a str.
    return tuple(int(p) if i % 2 else p for i, p in enumerate(re.split(r"(\d+)", version)))


class ModelRegistry:
    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        if root is None:
            root = Settings.load().paths.models_dir
        self.root = Path(root)

    def version_dir(self, name: str, version: str) -> Path:
        return self.root / name / version

    def register(
        self, metadata: ModelMetadata | Mapping[str, Any] | None = None, /, **fields: Any
    ) -> ModelMetadata:
        """Register a model version; without ``version`` the next ``vN`` is allocated."""
        if isinstance(metadata, ModelMetadata):
            data = metadata.model_dump()
        else:
            data = dict(metadata or {})
        data.update(fields)
        version = data.pop("version", None)
        try:
            # Validate everything before touching the disk; "v1" stands in for an
            # automatic version, which is only known once a directory is claimed.
            draft = ModelMetadata.model_validate({**data, "version": version or "v1"})
        except ValidationError as exc:
            raise RegistryError(
                "\n".join(format_validation_errors(exc, "model metadata"))
            ) from None

        model_dir = self.root / draft.name
        model_dir.mkdir(parents=True, exist_ok=True)
        if version:
            target = model_dir / draft.version
            try:
                os.mkdir(target)
            except FileExistsError:
                raise VersionExistsError(
                    f"{draft.name} {draft.version} is already registered at {target}; "
                    "registered versions are never overwritten, pick a new version"
                ) from None
        else:
            target = self._claim_next_version(model_dir)

        meta = draft.model_copy(update={"version": target.name})
        try:
            atomic_write_text(target / METADATA_FILE, meta.model_dump_json(indent=2) + "\n")
        except BaseException:
            with contextlib.suppress(OSError):
                target.rmdir()  # give the version back rather than leave an empty husk
            raise
        return meta

    def load(self, name: str, version: str) -> ModelMetadata:
        path = self.version_dir(name, version) / METADATA_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ModelNotFoundError(f"no model {name} {version} in {self.root}") from None
        try:
            meta = ModelMetadata.model_validate_json(text)
        except ValidationError as exc:
            raise RegistryError("\n".join(format_validation_errors(exc, str(path)))) from None
        if (meta.name, meta.version) != (name, version):
            raise RegistryError(
                f"{path}: describes {meta.name} {meta.version}, expected {name} {version}"
            )
        return meta

    def list(self, name: str | None = None) -> builtins.list[ModelMetadata]:
        """All registered versions (of ``name``), sorted by name then natural version."""
        if name is not None:
            names = [name]
        elif self.root.is_dir():
            names = sorted(p.name for p in self.root.iterdir() if p.is_dir())
        else:
            names = []
        found: builtins.list[ModelMetadata] = []
        for model in names:
            model_dir = self.root / model
            if not model_dir.is_dir():
                continue
            # A directory without metadata.json is a registration in flight: skip it.
            versions = [p.name for p in model_dir.iterdir() if (p / METADATA_FILE).is_file()]
            found.extend(self.load(model, v) for v in sorted(versions, key=_version_key))
        return found

    def latest(self, name: str) -> ModelMetadata:
        """The highest version of ``name`` in natural order (v10 after v9).

        Version order rather than ``created``: it cannot be skewed by clocks or by
        metadata imported with a historical creation time.
        """
        versions = self.list(name)
        if not versions:
            raise ModelNotFoundError(f"no versions of model {name} in {self.root}")
        return versions[-1]

    def _claim_next_version(self, model_dir: Path) -> Path:
        taken = [
            int(m.group(1))
            for p in model_dir.iterdir()
            if (m := _AUTO_VERSION_RE.fullmatch(p.name)) is not None
        ]
        number = max(taken, default=0) + 1
        while True:
            target = model_dir / f"v{number}"
            try:
                os.mkdir(target)
            except FileExistsError:  # a concurrent register() got there first
                number += 1
                continue
            return target
