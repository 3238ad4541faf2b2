"""Names of the dependencies every handler may ask for (see ``app.create_app``)."""

from litestar.di import NamedDependency

from paylinks.pagination import Created, Window
from paylinks.stores.model import Principal
from paylinks_api.context import ApiContext

Caller = NamedDependency[Principal]
Ctx = NamedDependency[ApiContext]
#: The rows a list request asks for: its limit, cursor and ``created`` bounds.
ListWindow = NamedDependency[Window]
#: A range of creation times alone (``created[gt|gte|lt|lte]``), for what takes no page.
CreatedRange = NamedDependency[Created]
