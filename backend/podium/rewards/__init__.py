"""The rewards store: a catalog priced in points, redemptions held until a manager decides."""
