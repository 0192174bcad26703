"""Each role's first screen, read from every capability through its service."""
