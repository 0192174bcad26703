"""What an API token may run: the one table of root fields by scope, and the check every operation passes.

A token acts as an admin of its org, but only through the root fields its scopes name. A root field in
no scope (sign-in, a person's own screens, a phone's check-in, devices, tokens themselves, anything
added later and not yet listed) is refused to tokens: a new field is closed until someone opens it here.
Fields nested under a root field come with it (a deal's customer, say): the scope guards the entry.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_operation_ast,
)

from podium.core.errors import DomainError, ErrorCode
from podium.core.policies import Viewer

# Capability → (root queries a `:read` scope opens, root mutations a `:write` scope opens).
CAPABILITIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "people": (
        ("people", "peopleUnits", "pendingInvitations", "orgUnits", "unitManagerCandidates"),
        ("invitePerson", "setEmployeeNumber", "revokeInvitation", "changePerson", "deactivatePerson", "issuePasswordReset", "createUnit",
         "renameUnit", "moveUnit", "mergeUnits", "setUnitManager", "deleteUnit"),
    ),
    "customers": (
        ("customers", "customerList", "customerFacets", "customerPage"),
        ("createCustomer", "editCustomer", "reassignCustomers", "addContact", "editContact", "removeContact", "mergeCustomers"),
    ),
    "products": (
        ("productCatalog", "productLines", "products"),
        ("createProduct", "updateProduct", "setProductActive"),
    ),
    "pipeline": (
        ("stages", "pipeline", "deal", "teamDeals", "teamBoard", "teamPipelineOptions"),
        ("createDeal", "updateDeal", "moveDeal", "recordOrder", "recordPayment", "refundPayment", "reverseDeal",
         "logActivity", "reassignDeals", "saveStages"),
    ),
    "visits": (
        ("visitsOn", "visitsToReview", "visitsToReviewCount"),
        ("reviewVisit",),
    ),
    "points": (
        ("pointRules", "pointsHistory", "badgeDefinitions", "calendarDays", "leaderboard", "recentCelebrations"),
        ("savePointRule", "adjustPoints", "saveBadgeDefinition", "setCalendarDays"),
    ),
    "targets": (
        ("attainment", "orgTree", "targetSplitPreview", "targetDecomposition"),
        ("setTarget", "decomposeTarget"),
    ),
    "compensation": (
        ("statement", "statements", "disputes", "compPlans", "creditSplits"),
        ("approveStatement", "approveStatements", "replyDispute", "resolveDispute", "setCreditSplits", "saveCompPlan",
         "assignCompPlan", "endCompAssignment"),
    ),
    "contests": (("contests", "contest"), ("createContest", "cancelContest")),
    "rewards": (
        ("rewards", "redemptionsToDecide", "redemptionsToDecideCount"),
        ("createReward", "updateReward", "decideRedemption"),
    ),
    "analytics": (
        ("analyticsNode", "analyticsResults", "analyticsFunnel", "analyticsVelocity", "analyticsStalled", "analyticsSources", "analyticsBreakdown",
         "analyticsContribution", "analyticsCustomers", "analyticsChurnRisk", "analyticsSaturation", "analyticsBehaviour", "analyticsWonDeals"),
        (),
    ),
    "audit": (("auditEntries", "auditEntry", "auditActions"), ()),
}

SCOPES: tuple[str, ...] = tuple(
    f"{capability}:{mode}"
    for capability, (reads, writes) in CAPABILITIES.items()
    for mode, fields in (("read", reads), ("write", writes))
    if fields
)

# Root field → the scope that opens it, per operation type.
_NEEDS: dict[str, dict[str, str]] = {"query": {}, "mutation": {}}
for _capability, (_reads, _writes) in CAPABILITIES.items():
    _NEEDS["query"].update({f: f"{_capability}:read" for f in _reads})
    _NEEDS["mutation"].update({f: f"{_capability}:write" for f in _writes})


def scope_for(operation: str, field: str) -> str | None:
    """The scope a token needs for a root field; None: tokens may never run it."""
    if field == "__typename":
        return ""
    return _NEEDS.get(operation, {}).get(field)


def _root_names(selection_set: SelectionSetNode, document: DocumentNode) -> Iterator[str]:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    stack, seen = [selection_set], set()
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                yield selection.name.value
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                if (fragment := fragments.get(selection.name.value)) is not None:
                    stack.append(fragment.selection_set)


def check_scopes(viewer: Viewer | None, document: DocumentNode, operation_name: str | None) -> None:
    """Raise FORBIDDEN (with the missing scope) when a token asks for a root field its scopes do not open."""
    if viewer is None or not viewer.is_token:
        return
    operation: OperationDefinitionNode | None = get_operation_ast(document, operation_name)
    if operation is None:
        return  # graphql-core reports it
    if operation.operation not in (OperationType.QUERY, OperationType.MUTATION):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    for name in _root_names(operation.selection_set, document):
        needed = scope_for(operation.operation.value, name)
        if needed is None:
            raise DomainError.one(ErrorCode.FORBIDDEN, name)
        if needed and needed not in viewer.scopes:
            raise DomainError.one(ErrorCode.MISSING_SCOPE, name, scope=needed)
