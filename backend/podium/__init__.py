"""Podium: sales performance management with live leaderboards."""

__version__ = "0.1.0"
