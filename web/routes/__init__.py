"""Organiser routes, one module per resource; handlers parse, call a service, render."""
