"""Services: the only code that talks to both the database and `scheduler`."""
