"""Every capability's tables in one metadata, for Alembic and the migration tests.

It imports every capability, so it sits with the composition (app.py), above all of them; no capability imports it.
"""

from podium.analytics import deals_models as _analytics_deals  # noqa: F401
from podium.analytics import customers_models as _analytics_customers  # noqa: F401
from podium.audit import models as _audit  # noqa: F401
from podium.badges import models as _badges  # noqa: F401
from podium.celebrations import models as _celebrations  # noqa: F401
from podium.core import models as _core  # noqa: F401
from podium.compensation import models as _compensation  # noqa: F401
from podium.contests import models as _contests  # noqa: F401
from podium.customers import models as _customers  # noqa: F401
from podium.displays import models as _displays  # noqa: F401
from podium.imports import models as _imports  # noqa: F401
from podium.orgs import models as _orgs  # noqa: F401
from podium.pipeline import models as _pipeline  # noqa: F401
from podium.points import models as _points  # noqa: F401
from podium.push import models as _push  # noqa: F401
from podium.rewards import models as _rewards  # noqa: F401
from podium.robots import models as _robots  # noqa: F401
from podium.targets import models as _targets  # noqa: F401
from podium.tokens import models as _tokens  # noqa: F401
from podium.visits import models as _visits  # noqa: F401
from podium.webhooks import models as _webhooks  # noqa: F401
from podium.db.base import Base

metadata = Base.metadata
