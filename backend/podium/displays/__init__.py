"""Office TVs: paired with a short code, then a read-only viewer of the boards it was given."""
