"""Moved to registry/access.py (the access decision lives with the selectors); kept so that
imports of registry.api.access go on working."""

from registry.access import Door, door_for, exact_reads, log_exact_read

__all__ = ["Door", "door_for", "exact_reads", "log_exact_read"]
