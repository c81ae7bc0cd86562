"""The staged 10-K data pipeline: raw HTML → parsed blocks → Item 1A → risk segments →
features. Each stage is a pure function (``parse_filing``, ``extract_section``,
``segment_section``, ``add_features``) wrapped by ``runner`` into a tracked run with lineage.
"""

from sec_finetune.pipeline.extract import extract_section
from sec_finetune.pipeline.features import add_features
from sec_finetune.pipeline.parse import ParseError, parse_filing
from sec_finetune.pipeline.runner import PipelineError, StageReport, run_pipeline, run_stage
from sec_finetune.pipeline.segment import segment_section
from sec_finetune.pipeline.stages import STAGE_ORDER

__all__ = [
    "STAGE_ORDER",
    "ParseError",
    "PipelineError",
    "StageReport",
    "add_features",
    "extract_section",
    "parse_filing",
    "run_pipeline",
    "run_stage",
    "segment_section",
]
