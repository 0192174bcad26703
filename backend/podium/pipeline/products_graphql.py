"""The product catalog in GraphQL: admins create and edit; managers read it whole; everyone reads the lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from podium.core.i18n import Locale
from podium.graphql.context import Info
from podium.graphql.errors import OperationError, attempt
from podium.graphql.ids import int_id
from podium.pipeline import products as service
from podium.pipeline.graphql import Product
from podium.pipeline.models import Product as ProductRow


@strawberry.type
class CatalogProduct:
    product: Product
    unit_cost: Decimal
    margin: Decimal = strawberry.field(description="List price less unit cost.")

    @classmethod
    def of(cls, row: ProductRow, locale: Locale) -> CatalogProduct:
        return cls(product=Product.of(row, locale), unit_cost=row.unit_cost, margin=row.list_price - row.unit_cost)


@strawberry.input
class ProductInput:
    sku: str
    name_zh: str = strawberry.field(description="The primary name (Chinese for a Chinese company).")
    name_en: str = ""
    line: str = ""
    list_price: Decimal
    unit_cost: Decimal
    is_active: bool = True

    def data(self) -> service.ProductInput:
        return service.ProductInput(self.sku, self.name_zh, self.name_en, self.line, self.list_price, self.unit_cost, self.is_active)


@strawberry.type
class ProductSuccess:
    item: CatalogProduct


ProductResult = Annotated[ProductSuccess | OperationError, strawberry.union("ProductResult")]


@strawberry.type
class Query:
    @strawberry.field(description="Managers and admins: every product of the org with its cost, deactivated ones too.")
    async def product_catalog(self, info: Info) -> list[CatalogProduct]:
        ctx = info.context
        return [CatalogProduct.of(p, ctx.locale) for p in await service.catalog(ctx.env, ctx.require_viewer())]

    @strawberry.field(description="The org's product lines, for rate tables and filters.")
    async def product_lines(self, info: Info) -> list[str]:
        ctx = info.context
        return await service.product_lines(ctx.env, ctx.require_viewer())


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Admins: add a product; the SKU is unique in the org.")
    async def create_product(self, info: Info, input: ProductInput) -> ProductResult:
        ctx = info.context

        async def action() -> ProductSuccess:
            return ProductSuccess(item=CatalogProduct.of(await service.create_product(ctx.env, ctx.require_viewer(), input.data()), ctx.locale))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: change a product; deals already written keep their prices and costs.")
    async def update_product(self, info: Info, id: strawberry.ID, input: ProductInput) -> ProductResult:
        ctx = info.context

        async def action() -> ProductSuccess:
            row = await service.update_product(ctx.env, ctx.require_viewer(), int_id(id), input.data())
            return ProductSuccess(item=CatalogProduct.of(row, ctx.locale))

        return await attempt(ctx.locale, action)

    @strawberry.mutation(description="Admins: deactivate (not offered for new deal lines) or reactivate a product.")
    async def set_product_active(self, info: Info, id: strawberry.ID, active: bool) -> ProductResult:
        ctx = info.context

        async def action() -> ProductSuccess:
            row = await service.set_product_active(ctx.env, ctx.require_viewer(), int_id(id), active)
            return ProductSuccess(item=CatalogProduct.of(row, ctx.locale))

        return await attempt(ctx.locale, action)
