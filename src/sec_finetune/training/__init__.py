"""Training stages that read pipeline runs and register models: ``train topics``."""

from sec_finetune.training.topics import (
    TopicModel,
    TrainError,
    TrainReport,
    fit_topics,
    train_topics,
)

__all__ = ["TopicModel", "TrainError", "TrainReport", "fit_topics", "train_topics"]
