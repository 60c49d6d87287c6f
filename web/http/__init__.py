"""What the organiser, portal and API routes share: request dependencies, sessions, responses,
templates, error pages and the language switch."""
