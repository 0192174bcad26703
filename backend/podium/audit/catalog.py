"""Which domain events the audit log keeps, and how it reads one: by name, importing no capability.

Each entry names the event's subject: its type and the payload field holding its id. An event not
listed here is not audited (deals, visits and points are ledgers of their own). A capability that
adds an audit-worthy event adds its name here.
"""

from __future__ import annotations

import json
from typing import Any

# Event name → (subject type, the payload field with its id).
AUDITED: dict[str, tuple[str, str]] = {
    # people, roles, units
    "company_set_up": ("org", "admin"),
    "person_invited": ("invitation", "invitation"),
    "invitation_revoked": ("invitation", "invitation"),
    "person_joined": ("person", "user"),
    "person_changed": ("person", "user"),
    "person_deactivated": ("person", "user"),
    "password_changed": ("person", "user"),
    "password_reset_issued": ("person", "user"),
    "employee_number_changed": ("person", "user"),
    "unit_created": ("unit", "unit"),
    "unit_renamed": ("unit", "unit"),
    "unit_moved": ("unit", "unit"),
    "units_merged": ("unit", "source"),
    "unit_manager_set": ("unit", "unit"),
    "unit_deleted": ("unit", "unit"),
    # customers and deals changing hands
    "customers_reassigned": ("person", "owner"),
    "customers_merged": ("customer", "survivor"),
    "deals_reassigned": ("person", "owner"),
    # settings and catalogs
    "stages": ("stages", ""),
    "product_created": ("product", "product"),
    "product_changed": ("product", "product"),
    "rules": ("point_rule", "rule"),
    "display_revoked": ("display", "id"),
    # plans, targets, approvals, adjustments
    "plan": ("plan", "plan"),
    "split": ("deal", "deal"),
    "target": ("target", ""),
    "statement": ("statement", "user"),
    "redemption_decided": ("redemption", "redemption"),
    "visit_reviewed": ("visit", "visit"),
    "reward": ("reward", "user"),
    "contest": ("contest", "id"),
    # group robots (the outbound webhooks' kin)
    "robot_saved": ("robot", "robot"),
    "robot_deleted": ("robot", "robot"),
    # tokens
    "token_created": ("token", "token"),
    "token_rotated": ("token", "token"),
    "token_revoked": ("token", "token"),
    # imports
    "import_committed": ("import", "run"),
    "import_undone": ("import", "run"),
    # webhooks
    "webhook_endpoint_created": ("webhook", "endpoint"),
    "webhook_endpoint_changed": ("webhook", "endpoint"),
    "webhook_endpoint_deleted": ("webhook", "endpoint"),
    "webhook_secret_rotated": ("webhook", "endpoint"),
    # the open pool
    "customer_claimed": ("customer", "customer"),
}

# Only manual adjustments of the points ledger are audited, not every point earned.
POINTS_EVENT = "points"
ADJUSTMENT_RULE = "adjustment"


def audited(name: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """The subject (type, id) of an audit-worthy event; None for one the log does not keep."""
    if name == POINTS_EVENT:
        return ("person", str(payload.get("user", ""))) if payload.get("rule") == ADJUSTMENT_RULE else None
    spec = AUDITED.get(name)
    if spec is None:
        return None
    kind, field = spec
    value = payload.get(field, "") if field else ""
    return kind, "" if value is None else str(value)


def split(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Before and after of an event's payload: `x_before`/`x_after` pairs, `before`/`after`, `previous`; the rest is after."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "org_id":
            continue
        if key.endswith("_before"):
            before[key.removesuffix("_before")] = value
        elif key.endswith("_after"):
            after[key.removesuffix("_after")] = value
        elif key in ("before", "after"):
            target = before if key == "before" else after
            if isinstance(value, dict):
                target.update(value)
            else:
                target["value"] = value
        elif key == "previous":
            before.update(value if isinstance(value, dict) else {"value": value})
        else:
            after[key] = value
    return before, after


def dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
