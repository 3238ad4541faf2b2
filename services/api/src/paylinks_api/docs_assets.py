"""The interactive docs at ``/docs``: Swagger UI served by the API itself, so they work
with no network.

The assets come from the pinned ``swagger-ui-bundle-v2`` package (Swagger UI's own
release files inside a wheel), so ``uv sync`` alone gives working docs and nothing built
is committed. The URL names the Swagger UI version, so browsers may keep the files.
"""

from importlib.resources import files
from pathlib import Path
from typing import Final

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.params import FromPath
from litestar.response import File

#: The folder of Swagger UI's release inside the package, named for its version
#: (``swagger-ui-5.31.0``).
SWAGGER_UI_DIR: Final[Path] = next(
    Path(str(folder))
    for folder in files("swagger_ui_bundle").joinpath("vendor").iterdir()
    if folder.name.startswith("swagger-ui-")
)
SWAGGER_UI_VERSION: Final[str] = SWAGGER_UI_DIR.name.removeprefix("swagger-ui-")
ASSETS_PATH: Final[str] = f"/docs/assets/{SWAGGER_UI_DIR.name}"

#: The only files served, with their types: what the docs page loads, the source maps a
#: browser's developer tools ask for, and the icons.
ASSETS: Final[dict[str, str]] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-bundle.js.map": "application/json",
    "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js.map": "application/json",
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui.css.map": "application/json",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
CACHE_CONTROL: Final[str] = "public, max-age=31536000, immutable"


def swagger_ui() -> SwaggerRenderPlugin:
    """Swagger UI at ``/docs`` (and ``/docs/swagger``), loading only the files above."""
    return SwaggerRenderPlugin(
        path=["/", "/swagger"],
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
    )


@get(f"{ASSETS_PATH}/{{name:str}}", include_in_schema=False, sync_to_thread=False)
def docs_asset(name: FromPath[str]) -> File:
    """One of the docs page's files; any other name is a 404."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFoundException()
    return File(
        SWAGGER_UI_DIR / name,
        content_disposition_type="inline",
        media_type=media_type,
        headers={"Cache-Control": CACHE_CONTROL},
    )
