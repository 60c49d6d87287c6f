"""Every rule of the app, once: the only code that talks to both the database and `scheduler`.

No HTTP here (no fastapi or starlette) and no translated text: use cases take rows and plain
values, return rows and dataclasses, and say what went wrong with `errors.Msg` codes.
"""
