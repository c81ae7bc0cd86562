"""Experiment run directories on disk: discovery, reading, lineage, and which notes cite which
runs. Builds on core only."""
