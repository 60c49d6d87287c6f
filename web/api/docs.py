"""The API's documentation page: Swagger UI from the site's own files over /api/openapi.json."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

router = APIRouter(include_in_schema=False)
PAGE = Path(__file__).resolve().parent.parent / "static" / "api-docs.html"


@router.get("/docs")
def docs() -> FileResponse:
    return FileResponse(PAGE, media_type="text/html")
