"""The product catalog: admins create and edit products; deals pick the active ones, old deals keep theirs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from podium.core.env import Env
from podium.core.errors import DomainError, ErrorCode, Problems
from podium.core.events import transaction
from podium.core.money import check_amount
from podium.core.policies import Viewer
from podium.pipeline import policies
from podium.pipeline.events import ProductChanged, ProductCreated
from podium.pipeline.models import Product

SKU_MAX = 40
NAME_MAX = 200
LINE_MAX = 80
# A unit price above a trillion is a typo, not a product.
PRICE_MAX = Decimal("1e12")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ProductInput:
    sku: str
    name: str  # the primary (Chinese) name
    name_en: str
    line: str
    list_price: Decimal
    unit_cost: Decimal
    is_active: bool = True


# The input's fields as the API names them, in the order a change lists them.
FIELDS = (("sku", "sku"), ("name", "nameZh"), ("name_en", "nameEn"), ("line", "line"), ("list_price", "listPrice"),
          ("unit_cost", "unitCost"), ("is_active", "isActive"))


def _checked(data: ProductInput) -> ProductInput:
    problems = Problems()
    sku, name, name_en, line = data.sku.strip(), data.name.strip(), data.name_en.strip(), data.line.strip()
    for field, value, maximum, required in (("sku", sku, SKU_MAX, True), ("nameZh", name, NAME_MAX, True),
                                            ("nameEn", name_en, NAME_MAX, False), ("line", line, LINE_MAX, False)):
        if required and not value:
            problems.add(ErrorCode.REQUIRED, field)
        elif len(value) > maximum:
            problems.add(ErrorCode.TOO_LONG, field, max=maximum)
    if any(c.isspace() for c in sku):
        problems.add(ErrorCode.INVALID, "sku")
    check_amount(problems, "listPrice", data.list_price, maximum=PRICE_MAX)
    check_amount(problems, "unitCost", data.unit_cost, maximum=PRICE_MAX)
    problems.raise_if_any()
    # Stored as NUMERIC(18, 2): the answer shows what the database holds (12500 → 12500.00).
    return ProductInput(sku, name, name_en, line, data.list_price.quantize(CENT), data.unit_cost.quantize(CENT), data.is_active)


def _require_admin(viewer: Viewer) -> None:
    if not policies.may_configure(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)


async def _flush(session: AsyncSession) -> None:
    """Two admins adding the same SKU at once: the unique (org, sku) says who was first."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise DomainError.one(ErrorCode.DUPLICATE, "sku") from exc


async def _sku_free(session: AsyncSession, org_id: int, sku: str, but: int | None = None) -> None:
    query = select(Product.id).where(Product.org_id == org_id, Product.sku == sku)
    if but is not None:
        query = query.where(Product.id != but)
    if await session.scalar(query) is not None:
        raise DomainError.one(ErrorCode.DUPLICATE, "sku")


async def catalog(env: Env, viewer: Viewer) -> list[Product]:
    """Managers and admins: every product of the org, deactivated ones too."""
    if not policies.may_assign(viewer):
        raise DomainError.one(ErrorCode.FORBIDDEN)
    async with env.db() as session:
        return list(await session.scalars(select(Product).where(Product.org_id == viewer.org_id).order_by(Product.line, Product.sku)))


async def product_lines(env: Env, viewer: Viewer) -> list[str]:
    """The org's product lines (of active products and inactive ones alike: rate tables outlive a product)."""
    async with env.db() as session:
        rows = await session.scalars(select(Product.line).where(Product.org_id == viewer.org_id, Product.line != "").distinct())
        return sorted(set(rows))


async def create_product(env: Env, viewer: Viewer, data: ProductInput) -> Product:
    _require_admin(viewer)
    clean = _checked(data)
    async with transaction(env.db) as tx:
        await _sku_free(tx.session, viewer.org_id, clean.sku)
        product = Product(
            org_id=viewer.org_id, sku=clean.sku, name=clean.name, name_en=clean.name_en, line=clean.line,
            list_price=clean.list_price, unit_cost=clean.unit_cost, is_active=clean.is_active,
        )
        tx.session.add(product)
        await _flush(tx.session)
        tx.record(ProductCreated(org_id=viewer.org_id, product=product.id, sku=product.sku, by=viewer.user_id))
    return product


async def _own(session: AsyncSession, org_id: int, product_id: int) -> Product:
    product = await session.scalar(select(Product).where(Product.id == product_id, Product.org_id == org_id).with_for_update())
    if product is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "id")
    return product


async def update_product(env: Env, viewer: Viewer, product_id: int, data: ProductInput) -> Product:
    """Replace every field; deals already written keep the prices and costs they were written with."""
    _require_admin(viewer)
    clean = _checked(data)
    async with transaction(env.db) as tx:
        product = await _own(tx.session, viewer.org_id, product_id)
        if clean.sku != product.sku:
            await _sku_free(tx.session, viewer.org_id, clean.sku, but=product.id)
        changed = tuple(api for attr, api in FIELDS if getattr(product, attr) != getattr(clean, attr))
        for attr, _ in FIELDS:
            setattr(product, attr, getattr(clean, attr))
        if changed:
            await _flush(tx.session)
            tx.record(ProductChanged(org_id=viewer.org_id, product=product.id, fields=changed, by=viewer.user_id))
    return product


async def set_product_active(env: Env, viewer: Viewer, product_id: int, active: bool) -> Product:
    """Deactivate (no longer offered for new deal lines) or reactivate a product."""
    _require_admin(viewer)
    async with transaction(env.db) as tx:
        product = await _own(tx.session, viewer.org_id, product_id)
        if product.is_active != active:
            product.is_active = active
            await tx.session.flush()
            tx.record(ProductChanged(org_id=viewer.org_id, product=product.id, fields=("isActive",), by=viewer.user_id))
    return product
