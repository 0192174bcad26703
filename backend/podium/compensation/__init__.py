"""Incentive compensation: plans, credit splits, statements, approvals and disputes."""
