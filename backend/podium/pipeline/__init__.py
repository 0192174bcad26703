"""Pipeline: deals through configurable stages, orders, payments collected and activities."""
