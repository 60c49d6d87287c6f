"""Browser tests wait for what a page shows as long as a loaded machine may need: an
assertion that fails waits the whole time, one that passes stops at once."""

from playwright.sync_api import expect

expect.set_options(timeout=20_000)
