"""Backing up and restoring the whole database (`podium backup`, `podium restore`)."""
