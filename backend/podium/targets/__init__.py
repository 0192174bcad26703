"""Targets and quotas."""
