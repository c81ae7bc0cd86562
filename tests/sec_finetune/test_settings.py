"""Settings: YAML + feature files + env + overrides, and error messages naming origins."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from sec_finetune import Settings, SettingsError

REPO_CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project (pyproject.toml + configs/) as the working directory."""
    for name in list(os.environ):
        if name.upper().startswith("SEC_FINETUNE_"):
            monkeypatch.delenv(name)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "configs" / "features").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def problems(excinfo: pytest.ExceptionInfo[SettingsError]) -> list[str]:
    assert str(excinfo.value) == "\n".join(excinfo.value.problems)
    return excinfo.value.problems


# --------------------------------------------------------------------- values


def test_defaults_and_paths_resolved_against_the_project_root(project: Path) -> None:
    s = Settings()
    assert s.paths.project_root == project
    assert s.paths.raw_dir == project / "data" / "raw"
    assert s.paths.labeled_dir == project / "data" / "processed" / "labeled"
    assert s.paths.models_dir == project / "models" / "registry"
    assert s.preprocessing.encoding_fallback == "cp1252" and s.preprocessing.drop_tables is False
    assert (s.extraction.section, s.extraction.section_title) == ("1A", "Risk Factors")
    assert s.extraction.min_section_chars == 500
    assert (s.segmentation.min_segment_chars, s.segmentation.max_segment_chars) == (200, 8000)
    assert s.sentiment.lexicon_path is None
    assert s.sentiment.categories == ["negative", "positive", "uncertainty", "litigious"]
    assert s.readability.enabled is True
    assert s.readability.metrics == ["flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog"]
    assert (s.reproducibility.seed, s.reproducibility.deterministic) == (42, True)
    assert s.config_files == []


def test_repository_configs_document_the_code_defaults(project: Path) -> None:
    # configs/config.yaml and features/*.yaml restate every default; they must agree.
    from_repo = Settings.load(config_dir=REPO_CONFIGS)
    assert [p.relative_to(REPO_CONFIGS).as_posix() for p in from_repo.config_files] == [
        "config.yaml",
        "features/readability.yaml",
        "features/sentiment.yaml",
        "features/topic_modeling.yaml",
    ]
    assert from_repo.model_dump() == Settings().model_dump()


def test_project_root_is_found_from_a_subdirectory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, "configs/config.yaml", "reproducibility:\n  seed: 9\n")
    deeper = project / "notebooks" / "exploration"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    s = Settings()
    assert s.reproducibility.seed == 9
    assert s.paths.raw_dir == project / "data" / "raw"


def test_config_dir_from_argument_or_env(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "elsewhere"
    write(other, "config.yaml", "reproducibility:\n  seed: 5\n")
    assert Settings.load(config_dir=other).reproducibility.seed == 5
    monkeypatch.setenv("SEC_FINETUNE_CONFIG_DIR", str(other))
    assert Settings().reproducibility.seed == 5
    monkeypatch.setenv("SEC_FINETUNE_CONFIG_DIR", str(tmp_path / "missing"))
    with pytest.raises(SettingsError, match="SEC_FINETUNE_CONFIG_DIR: config directory does not"):
        Settings()


def test_relative_paths_in_yaml_are_anchored_at_the_project_root(project: Path) -> None:
    write(
        project,
        "configs/config.yaml",
        """
        paths:
          raw_dir: /srv/edgar/raw
          models_dir: ../shared-models
        sentiment:
          lexicon_path: resources/lm_dictionary.csv
        """,
    )
    s = Settings()
    assert s.paths.raw_dir == Path("/srv/edgar/raw")
    assert s.paths.models_dir == project.parent / "shared-models"
    assert s.sentiment.lexicon_path == project / "resources" / "lm_dictionary.csv"


def test_feature_files_are_merged_in_name_order(project: Path) -> None:
    write(
        project,
        "configs/config.yaml",
        """
        segmentation:
          min_segment_chars: 100
          max_segment_chars: 1000
        sentiment:
          categories: [negative]
        """,
    )
    write(project, "configs/features/sentiment.yaml", "sentiment:\n  categories: [a, b]\n")
    write(project, "configs/features/zz-long.yaml", "segmentation:\n  max_segment_chars: 900\n")
    write(project, "configs/features/zzz-empty.yaml", "# nothing yet\nsegmentation: {}\n")
    s = Settings()
    assert s.sentiment.categories == ["a", "b"]
    assert (s.segmentation.min_segment_chars, s.segmentation.max_segment_chars) == (100, 900)
    assert [p.name for p in s.config_files] == [
        "config.yaml",
        "sentiment.yaml",
        "zz-long.yaml",
        "zzz-empty.yaml",
    ]


def test_precedence_init_over_env_over_yaml(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        project,
        "configs/config.yaml",
        """
        reproducibility:
          seed: 1
        segmentation:
          min_segment_chars: 300
          max_segment_chars: 3000
        """,
    )
    assert Settings().reproducibility.seed == 1

    monkeypatch.setenv("SEC_FINETUNE_REPRODUCIBILITY__SEED", "2")
    monkeypatch.setenv("SEC_FINETUNE_SEGMENTATION__MAX_SEGMENT_CHARS", "4000")
    monkeypatch.setenv("SEC_FINETUNE_PATHS__RAW_DIR", "elsewhere/raw")
    s = Settings()
    assert s.reproducibility.seed == 2
    # Sections merge key by key across layers.
    assert (s.segmentation.min_segment_chars, s.segmentation.max_segment_chars) == (300, 4000)
    assert s.paths.raw_dir == project / "elsewhere" / "raw"

    s = Settings.load(reproducibility={"seed": 3}, segmentation={"min_segment_chars": 250})
    assert s.reproducibility.seed == 3
    assert s.reproducibility.deterministic is True
    assert (s.segmentation.min_segment_chars, s.segmentation.max_segment_chars) == (250, 4000)


def test_env_lists_are_json(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEC_FINETUNE_SENTIMENT__CATEGORIES", '["negative", "uncertainty"]')
    monkeypatch.setenv("SEC_FINETUNE_READABILITY__ENABLED", "false")
    s = Settings()
    assert s.sentiment.categories == ["negative", "uncertainty"]
    assert s.readability.enabled is False


# --------------------------------------------------------------------- errors


def test_bad_yaml_value_names_file_and_key(project: Path) -> None:
    write(project, "configs/config.yaml", "segmentation:\n  min_segment_chars: abc\n")
    with pytest.raises(SettingsError) as excinfo:
        Settings()
    assert problems(excinfo) == [
        "configs/config.yaml: segmentation.min_segment_chars: "
        "Input should be a valid integer (got 'abc')"
    ]


def test_bad_env_value_names_the_variable(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "configs/config.yaml", "reproducibility:\n  seed: 7\n")
    monkeypatch.setenv("SEC_FINETUNE_REPRODUCIBILITY__SEED", "x")
    with pytest.raises(SettingsError) as excinfo:
        Settings()
    assert problems(excinfo) == [
        "SEC_FINETUNE_REPRODUCIBILITY__SEED: reproducibility.seed: "
        "Input should be a valid integer (got 'x')"
    ]


def test_all_problems_are_reported_each_with_its_origin(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        project,
        "configs/config.yaml",
        """
        extraction:
          min_section_chars: -1
        reproducibility:
          seeed: 1
        """,
    )
    write(project, "configs/features/sentiment.yaml", "sentiment:\n  categories: [ok, [1]]\n")
    monkeypatch.setenv("SEC_FINETUNE_READABILITY__ENABLED", "maybe")
    with pytest.raises(SettingsError) as excinfo:
        Settings.load(preprocessing={"encoding_fallback": "klingon"})
    assert problems(excinfo) == [
        "override: preprocessing.encoding_fallback: unknown text encoding (got 'klingon')",
        "configs/config.yaml: extraction.min_section_chars: "
        "Input should be greater than or equal to 0 (got -1)",
        "configs/features/sentiment.yaml: sentiment.categories[1]: "
        "Input should be a valid string (got [1])",
        "SEC_FINETUNE_READABILITY__ENABLED: readability.enabled: "
        "Input should be a valid boolean (got 'maybe')",
        "configs/config.yaml: reproducibility.seeed: Extra inputs are not permitted (got 1)",
    ]


def test_cross_field_error_names_every_contributing_source(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project, "configs/config.yaml", "segmentation:\n  max_segment_chars: 100\n")
    monkeypatch.setenv("SEC_FINETUNE_SEGMENTATION__MIN_SEGMENT_CHARS", "500")
    with pytest.raises(SettingsError) as excinfo:
        Settings()
    assert problems(excinfo) == [
        "SEC_FINETUNE_SEGMENTATION__MIN_SEGMENT_CHARS, configs/config.yaml: segmentation: "
        "min_segment_chars (500) must not exceed max_segment_chars (100)"
    ]


def test_unknown_section_and_malformed_files(project: Path) -> None:
    write(project, "configs/features/typo.yaml", "sentimnet:\n  categories: [a]\n")
    with pytest.raises(SettingsError) as excinfo:
        Settings()
    assert problems(excinfo) == [
        "configs/features/typo.yaml: sentimnet: Extra inputs are not permitted"
    ]

    write(project, "configs/features/typo.yaml", "- just\n- a list\n")
    with pytest.raises(SettingsError, match=r"^configs/features/typo.yaml: expected a mapping"):
        Settings()

    write(project, "configs/features/typo.yaml", "sentiment: [unclosed\n")
    with pytest.raises(SettingsError, match=r"^configs/features/typo.yaml: invalid YAML: "):
        Settings()


def test_unparsable_env_json_names_the_variable(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEC_FINETUNE_SENTIMENT__CATEGORIES", "negative,positive")
    with pytest.raises(SettingsError) as excinfo:
        Settings()
    assert problems(excinfo) == [
        "SEC_FINETUNE_SENTIMENT__CATEGORIES: sentiment: "
        "cannot parse value (lists and mappings must be written as JSON)"
    ]


def test_settings_error_is_a_value_error() -> None:
    assert issubclass(SettingsError, ValueError)
