"""The parts of scheduler.advise: changes, their LP estimates, and their measurement."""
