"""What the customers capability announces."""

from __future__ import annotations

from dataclasses import dataclass

from podium.core.events import DomainEvent


@dataclass(frozen=True)
class CustomerAdded(DomainEvent):
    name = "customer"
    user: int
    team: int | None
    customer: int


@dataclass(frozen=True)
class CustomerChanged(DomainEvent):
    """A customer's details were edited: what each changed field was and is now (the audit trail reads them)."""

    name = "customer_changed"
    user: int
    customer: int
    before: dict[str, str]
    after: dict[str, str]


@dataclass(frozen=True)
class CustomersReassigned(DomainEvent):
    """Customers given to another owner; `previous` maps each customer to its former owner (None: had none)."""

    name = "customers_reassigned"
    user: int
    owner: int
    customers: tuple[int, ...]
    previous: dict[str, int | None]


@dataclass(frozen=True)
class CustomerClaimed(DomainEvent):
    """A person took a customer from the open pool as their own."""

    name = "customer_claimed"
    user: int
    team: int | None
    customer: int


@dataclass(frozen=True)
class CustomersMerged(DomainEvent):
    """Duplicates folded into a survivor: their visits, deals, activities and contacts are the survivor's now."""

    name = "customers_merged"
    user: int
    survivor: int
    merged: tuple[int, ...]


@dataclass(frozen=True)
class ContactAdded(DomainEvent):
    name = "contact_added"
    user: int
    customer: int
    contact: int


@dataclass(frozen=True)
class ContactChanged(DomainEvent):
    name = "contact_changed"
    user: int
    customer: int
    contact: int
    before: dict[str, str]
    after: dict[str, str]


@dataclass(frozen=True)
class ContactRemoved(DomainEvent):
    name = "contact_removed"
    user: int
    customer: int
    contact: int
    contact_name: str
