"""GraphQL documents and helpers the customers tests share."""

from __future__ import annotations

from typing import Any

from tests.support import GraphQLClient

FIELDS = "id name address city industry tier geofenceRadiusMeters latitude longitude ownerId ownerName lastVisitAt openPipeline lifetimeRevenue atRisk"

CREATE = f"""
mutation Create($input: CustomerInput!) {{
  createCustomer(input: $input) {{
    __typename
    ... on CustomerSuccess {{ customer {{ {FIELDS} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
EDIT = f"""
mutation Edit($id: ID!, $input: CustomerInput!) {{
  editCustomer(id: $id, input: $input) {{
    __typename
    ... on CustomerSuccess {{ customer {{ {FIELDS} }} }}
    ... on OperationError {{ errors {{ field code message }} }}
  }}
}}
"""
LIST = f"""
query List($filter: CustomerFilter, $sort: CustomerSort, $descending: Boolean, $offset: Int, $first: Int) {{
  customerList(filter: $filter, sort: $sort, descending: $descending, offset: $offset, first: $first) {{ total items {{ {FIELDS} }} }}
}}
"""
REASSIGN = """
mutation Reassign($ids: [ID!]!, $owner: ID!) {
  reassignCustomers(customerIds: $ids, ownerId: $owner) {
    __typename
    ... on ReassignSuccess { customers { id ownerId ownerName } }
    ... on OperationError { errors { field code } }
  }
}
"""
MERGE = """
mutation Merge($survivor: ID!, $merged: [ID!]!) {
  mergeCustomers(survivorId: $survivor, mergedIds: $merged) {
    __typename
    ... on MergeSuccess { survivor { id name } mergedIds visitsMoved dealsMoved activitiesMoved }
    ... on OperationError { errors { field code } }
  }
}
"""
PAGE = f"""
query Page($id: ID!, $offset: Int, $first: Int) {{
  customerPage(id: $id, offset: $offset, first: $first) {{
    customer {{ {FIELDS} }}
    contacts {{ id name title phone wecomId dingtalkId email }}
    openDeals {{ id title amount }}
    timeline {{ kind at title amount userName detail }}
    timelineMore
  }}
}}
"""
ADD_CONTACT = """
mutation AddContact($customer: ID!, $input: ContactInput!) {
  addContact(customerId: $customer, input: $input) {
    __typename
    ... on ContactSuccess { contact { id name phone } }
    ... on OperationError { errors { field code } }
  }
}
"""
EDIT_CONTACT = """
mutation EditContact($id: ID!, $input: ContactInput!) {
  editContact(id: $id, input: $input) {
    __typename
    ... on ContactSuccess { contact { id name phone title } }
    ... on OperationError { errors { field code } }
  }
}
"""
REMOVE_CONTACT = """
mutation RemoveContact($id: ID!) {
  removeContact(id: $id) { __typename ... on OperationError { errors { field code } } }
}
"""


def customer_input(name: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "address": "上海市徐汇区漕溪北路 88 号", "tier": "B",
                            "position": {"latitude": 31.19, "longitude": 121.43, "system": "WGS84"}}
    data.update(overrides)
    return data


async def create(client: GraphQLClient, name: str, **overrides: Any) -> dict[str, Any]:
    result = (await client.data(CREATE, {"input": customer_input(name, **overrides)}))["createCustomer"]
    assert result["__typename"] == "CustomerSuccess", result
    return dict(result["customer"])


def codes(result: dict[str, Any]) -> set[tuple[str | None, str]]:
    return {(e["field"], e["code"]) for e in result["errors"]}


async def names(client: GraphQLClient, **variables: Any) -> list[str]:
    return [c["name"] for c in (await client.data(LIST, variables))["customerList"]["items"]]
