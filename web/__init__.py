"""The organiser web app and participant portal of ketnoi (FastAPI + SQLModel + htmx)."""
