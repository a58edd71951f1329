"""/api/v1/programmes, /calls, /projects — the programme-management platform (thin: parse into the module's
schema, call its service, return its read model)."""

from fastapi import APIRouter

from yrdhub.web.api.programmes import imports, programmes, projects

router = APIRouter(tags=["programmes 科技计划"])
for part in (programmes.router, projects.router, imports.router):
    router.include_router(part)
