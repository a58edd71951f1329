"""Resources pages (创新资源开放共享): the registry of facilities on the YRD map, the shared instrument catalogue
and an instrument's page with its booking form, my bookings, and the provider console.

Thin: every form builds the schema of `yrdhub.resources` and calls the same service as the API; the pages offer
exactly the moves `LIFECYCLE.allowed()` gives the reader now, and show refusals from their codes."""

from fastapi import APIRouter

from yrdhub.web.pages.resources import catalogue, console, mine, registry, writes

router = APIRouter(include_in_schema=False)
for part in (registry.router, catalogue.router, mine.router, console.router, writes.router):
    router.include_router(part)
