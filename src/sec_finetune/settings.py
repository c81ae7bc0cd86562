"""Typed settings for the research pipeline.

Values come from three layers, highest precedence first:

1. keyword arguments (``Settings(...)`` / ``Settings.load(**overrides)``),
2. environment variables ``SEC_FINETUNE_<SECTION>__<KEY>``,
3. YAML: ``<config dir>/config.yaml`` then every ``<config dir>/features/*.yaml`` in
   name order, deep-merged (a later file wins per key).

Validation problems are reported as ``<origin>: <section.key>: <message>`` lines, where
the origin is the YAML file, the environment variable or ``override`` that supplied the
offending value, because "1 validation error for Settings" does not tell a researcher
which of several files to open.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveInt,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings import SettingsError as _PydanticSettingsError

__all__ = [
    "CONFIG_DIR_ENV",
    "ENV_NESTED_DELIMITER",
    "ENV_PREFIX",
    "ExtractionSettings",
    "PathsSettings",
    "PreprocessingSettings",
    "ReadabilitySettings",
    "ReproducibilitySettings",
    "SegmentationSettings",
    "SentimentSettings",
    "Settings",
    "SettingsError",
    "TopicModelingSettings",
    "find_project_root",
    "format_validation_errors",
]

ENV_PREFIX = "SEC_FINETUNE_"
ENV_NESTED_DELIMITER = "__"
CONFIG_DIR_ENV = "SEC_FINETUNE_CONFIG_DIR"
MAIN_CONFIG_FILE = "config.yaml"
FEATURES_DIR = "features"
OVERRIDE_ORIGIN = "override"

Loc = tuple[str | int, ...]


# --------------------------------------------------------------------------- errors


class SettingsError(ValueError):
    """Invalid configuration; ``str()`` is one ``origin: key: message`` line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


def _short_repr(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _error_message(error: Mapping[str, Any]) -> str:
    msg = str(error["msg"])
    # pydantic's wording repeats itself ("..., unable to parse string as an integer");
    # the offending value, appended below, is the more useful half.
    msg = re.sub(r", unable to (parse|interpret) .*$", "", msg)
    msg = re.sub(r"^(Value error|Assertion failed), ", "", msg)
    value = error.get("input")
    # Whole mappings (model-level errors) or missing values make a useless "got".
    if error["type"] != "missing" and "input" in error and not isinstance(value, Mapping):
        msg += f" (got {_short_repr(value)})"
    return msg


def format_validation_errors(exc: ValidationError, origin: str | Callable[[Loc], str]) -> list[str]:
    """Flatten a pydantic error into ``origin: loc: message`` lines.

    ``origin`` is either a fixed label (a file name) or a function of the error location
    that names where that particular value came from.
    """
    lines = []
    for error in exc.errors():
        loc: Loc = tuple(error["loc"])
        where = origin(loc) if callable(origin) else origin
        lines.append(f"{where}: {format_loc(loc)}: {_error_message(error)}")
    return lines


# --------------------------------------------------------------------------- discovery


def find_project_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The nearest directory at or above ``start`` (default cwd) holding pyproject.toml.

    Falls back to ``start`` itself so that settings still load outside a checkout.
    """
    here = Path(start) if start is not None else Path.cwd()
    here = here.absolute()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return here


def _resolve_config_dir(config_dir: str | os.PathLike[str] | None) -> Path:
    if config_dir is not None:
        path = Path(config_dir).absolute()
        if not path.is_dir():
            raise SettingsError([f"{path}: config directory does not exist"])
        return path
    from_env = os.environ.get(CONFIG_DIR_ENV)
    if from_env:
        path = Path(from_env).absolute()
        if not path.is_dir():
            raise SettingsError([f"{CONFIG_DIR_ENV}: config directory does not exist: {path}"])
        return path
    # A checkout without configs/ (or an installed wheel) simply runs on defaults.
    return find_project_root() / "configs"


def _display_path(path: Path) -> str:
    root = find_project_root()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- layers


@dataclass
class _Layer:
    """One settings source as a tree, plus which label supplied each leaf.

    Kept so that a validation error at ``segmentation.min_segment_chars`` can be traced
    back to the file or environment variable that set it.
    """

    data: dict[str, Any] = field(default_factory=dict)
    origins: dict[Loc, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def merge(self, tree: Mapping[str, Any], label: str, prefix: Loc = ()) -> None:
        target: Any = self.data
        for key in prefix:
            target = target[key]
        for key, value in tree.items():
            loc = (*prefix, key)
            if isinstance(value, Mapping) and isinstance(target.get(key), dict):
                self.merge(value, label, loc)  # deep merge; an empty mapping changes nothing
                continue
            # A later file replacing a whole subtree also replaces its provenance.
            for stale in [o for o in self.origins if o[: len(loc)] == loc]:
                del self.origins[stale]
            if isinstance(value, Mapping) and value:
                target[key] = {}
                self.merge(value, label, loc)
            else:
                target[key] = dict(value) if isinstance(value, Mapping) else value
                self.origins[loc] = label

    def lookup(self, loc: Loc) -> str:
        """``"leaf"`` if this layer sets the value at ``loc``, ``"inner"`` if it sets
        something below it, ``"missing"`` otherwise."""
        node: Any = self.data
        for part in loc:
            if not isinstance(node, Mapping):
                return "leaf"  # e.g. an index into a list this layer supplied
            if part not in node:
                return "missing"
            node = node[part]
        return "inner" if isinstance(node, Mapping) and node else "leaf"

    def label_at(self, loc: Loc) -> str | None:
        """Label of the leaf at ``loc`` or, for a list index, of the enclosing leaf."""
        for end in range(len(loc), 0, -1):
            if loc[:end] in self.origins:
                return self.origins[loc[:end]]
        return None

    def labels_below(self, loc: Loc) -> list[str]:
        return [label for o, label in self.origins.items() if o[: len(loc)] == loc]


def _load_yaml_file(path: Path) -> Mapping[str, Any]:
    shown = _display_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SettingsError([f"{shown}: invalid YAML: {exc}".replace("\n", " ")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError([f"{shown}: cannot read: {exc}"]) from None
    if data is None:  # an empty or all-comments file
        return {}
    if not isinstance(data, Mapping):
        raise SettingsError(
            [f"{shown}: expected a mapping of sections at top level, got {type(data).__name__}"]
        )
    return data


def _yaml_layer(config_dir: Path) -> _Layer:
    layer = _Layer()
    files = [config_dir / MAIN_CONFIG_FILE, *sorted((config_dir / FEATURES_DIR).glob("*.yaml"))]
    for path in files:
        if path.is_file():
            layer.merge(_load_yaml_file(path), _display_path(path))
            layer.files.append(path)
    return layer


def _env_layer(environ: Mapping[str, str]) -> _Layer:
    """Mirror of what pydantic-settings' EnvSettingsSource reads, with variable names."""
    layer = _Layer()
    for name, raw in sorted(environ.items()):
        if not name.upper().startswith(ENV_PREFIX) or name.upper() == CONFIG_DIR_ENV:
            continue
        parts = name[len(ENV_PREFIX) :].lower().split(ENV_NESTED_DELIMITER)
        value: Any = raw
        if raw.lstrip().startswith(("{", "[")):
            with contextlib.suppress(ValueError):  # pydantic-settings reports it later
                value = json.loads(raw)
        tree: Any = value
        for part in reversed(parts):
            tree = {part: tree}
        layer.merge(tree, name)
    return layer


def _init_layer(values: Mapping[str, Any]) -> _Layer:
    layer = _Layer()
    layer.merge(values, OVERRIDE_ORIGIN)
    return layer


def _origin_finder(layers: Sequence[_Layer]) -> Callable[[Loc], str]:
    def origin(loc: Loc) -> str:
        inner: list[str] = []
        for layer in layers:  # highest precedence first
            state = layer.lookup(loc)
            if state == "leaf":
                return layer.label_at(loc) or OVERRIDE_ORIGIN
            if state == "inner":
                inner.extend(layer.labels_below(loc))
        # Cross-field errors (e.g. min > max) may combine several sources.
        return ", ".join(dict.fromkeys(inner)) or "defaults"

    return origin


_ACTIVE_YAML: ContextVar[_Layer | None] = ContextVar("sec_finetune_active_yaml", default=None)


class YamlConfigSource(PydanticBaseSettingsSource):
    """configs/config.yaml plus configs/features/*.yaml, deep-merged."""

    def __init__(self, settings_cls: type[BaseSettings], layer: _Layer | None = None) -> None:
        super().__init__(settings_cls)
        self.layer = layer if layer is not None else _yaml_layer(_resolve_config_dir(None))

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.layer.data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.layer.data)


# --------------------------------------------------------------------------- sections


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _anchor(path: Path, root: Path) -> Path:
    # normpath, not resolve(): a symlinked data/ should keep its in-repo spelling.
    return Path(os.path.normpath(path if path.is_absolute() else root / path))


class PathsSettings(_Section):
    """Where data lives. Relative paths are taken relative to ``project_root``."""

    project_root: Path = Field(default_factory=find_project_root)
    raw_dir: Path = Path("data/raw")
    interim_dir: Path = Path("data/interim")
    processed_dir: Path = Path("data/processed")
    labeled_dir: Path = Path("data/processed/labeled")
    models_dir: Path = Path("models/registry")

    @model_validator(mode="after")
    def _make_absolute(self) -> Self:
        self.project_root = _anchor(self.project_root, find_project_root())
        for name in ("raw_dir", "interim_dir", "processed_dir", "labeled_dir", "models_dir"):
            setattr(self, name, _anchor(getattr(self, name), self.project_root))
        return self


class PreprocessingSettings(_Section):
    encoding_fallback: str = "cp1252"
    drop_tables: bool = False

    @field_validator("encoding_fallback")
    @classmethod
    def _known_codec(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError("unknown text encoding") from None
        return value


class ExtractionSettings(_Section):
    section: str = Field(default="1A", min_length=1)
    section_title: str = "Risk Factors"
    min_section_chars: NonNegativeInt = 500


class SegmentationSettings(_Section):
    min_segment_chars: PositiveInt = 200
    max_segment_chars: PositiveInt = 8000

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min_segment_chars > self.max_segment_chars:
            raise ValueError(
                f"min_segment_chars ({self.min_segment_chars}) must not exceed "
                f"max_segment_chars ({self.max_segment_chars})"
            )
        return self


class SentimentSettings(_Section):
    lexicon_path: Path | None = None  # a user-supplied larger dictionary; relative to root
    categories: list[str] = Field(
        default_factory=lambda: ["negative", "positive", "uncertainty", "litigious"],
        min_length=1,
    )


class ReadabilitySettings(_Section):
    enabled: bool = True
    metrics: list[str] = Field(
        default_factory=lambda: ["flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog"]
    )


class TopicModelingSettings(_Section):
    """``train topics``: TF-IDF over risk-factor segments, then NMF (configs/features/
    topic_modeling.yaml)."""

    model_name: str = Field(default="risk-topics", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    n_topics: PositiveInt = 8
    segment_kinds: list[str] = Field(default_factory=lambda: ["risk"], min_length=1)
    max_features: PositiveInt = 500
    min_df: PositiveInt = 2  # a word must occur in at least this many segments
    max_df: float = Field(default=0.9, gt=0, le=1)  # ...and in at most this share of them
    stop_words: Literal["english"] | None = "english"
    init: Literal["nndsvdar", "random", "nndsvda", "nndsvd"] = "nndsvdar"
    max_iter: PositiveInt = 300
    tol: float = Field(default=1e-4, ge=0)  # stop when an iteration improves the error less
    top_words: PositiveInt = 10


class ReproducibilitySettings(_Section):
    # numpy's legacy seeding accepts 0..2**32-1 only.
    seed: int = Field(default=42, ge=0, le=2**32 - 1)
    deterministic: bool = True


# --------------------------------------------------------------------------- settings


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter=ENV_NESTED_DELIMITER,
        case_sensitive=False,
        extra="forbid",
    )

    paths: PathsSettings = Field(default_factory=PathsSettings)
    preprocessing: PreprocessingSettings = Field(default_factory=PreprocessingSettings)
    extraction: ExtractionSettings = Field(default_factory=ExtractionSettings)
    segmentation: SegmentationSettings = Field(default_factory=SegmentationSettings)
    sentiment: SentimentSettings = Field(default_factory=SentimentSettings)
    readability: ReadabilitySettings = Field(default_factory=ReadabilitySettings)
    reproducibility: ReproducibilitySettings = Field(default_factory=ReproducibilitySettings)
    topic_modeling: TopicModelingSettings = Field(default_factory=TopicModelingSettings)

    _config_files: list[Path] = PrivateAttr(default_factory=list)

    def __init__(self, *, _config_dir: str | os.PathLike[str] | None = None, **values: Any) -> None:
        yaml_layer = _yaml_layer(_resolve_config_dir(_config_dir))
        # settings_customise_sources is a classmethod called from inside
        # BaseSettings.__init__, so the already-loaded YAML reaches it through a
        # context variable (safe across threads and asyncio tasks).
        token = _ACTIVE_YAML.set(yaml_layer)
        try:
            super().__init__(**values)
        except ValidationError as exc:
            layers = [_init_layer(values), _env_layer(os.environ), yaml_layer]
            raise SettingsError(format_validation_errors(exc, _origin_finder(layers))) from None
        except _PydanticSettingsError as exc:
            raise SettingsError([_describe_env_parse_error(exc)]) from None
        finally:
            _ACTIVE_YAML.reset(token)
        self._config_files = yaml_layer.files

    @classmethod
    def load(cls, config_dir: str | os.PathLike[str] | None = None, **overrides: Any) -> Self:
        """Settings from ``config_dir`` (default: $SEC_FINETUNE_CONFIG_DIR, else the
        ``configs/`` next to the nearest pyproject.toml), env and ``overrides``."""
        return cls(_config_dir=config_dir, **overrides)

    @property
    def config_files(self) -> list[Path]:
        """The YAML files that were read, in merge order (worth recording in lineage)."""
        return list(self._config_files)

    @model_validator(mode="after")
    def _anchor_lexicon(self) -> Self:
        if self.sentiment.lexicon_path is not None:
            self.sentiment.lexicon_path = _anchor(
                self.sentiment.lexicon_path, self.paths.project_root
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # No .env or secrets files: a research run must be reproducible from the
        # committed YAML plus what the command line environment visibly sets.
        return init_settings, env_settings, YamlConfigSource(settings_cls, _ACTIVE_YAML.get())


def _describe_env_parse_error(exc: _PydanticSettingsError) -> str:
    # pydantic-settings only names the field ("error parsing value for field "x" from
    # source "EnvSettingsSource""); point at the variables that feed that field.
    match = re.search(r'field "([^"]+)"', str(exc))
    if match is None:
        return str(exc)
    section = match.group(1)
    prefix = f"{ENV_PREFIX}{section}".upper()
    names = [n for n in sorted(os.environ) if n.upper().split(ENV_NESTED_DELIMITER)[0] == prefix]
    where = ", ".join(names) or f"{prefix}*"
    return f"{where}: {section}: cannot parse value (lists and mappings must be written as JSON)"
