"""What a command does once its arguments are parsed, importable without Click or Typer.

The Typer commands forward to these functions, and the fast lane (bt_cli/fast_lane.py) calls them
directly for the commands scripts run most, so both ways of parsing do exactly the same thing. Each
function takes the `CliContext` first, then the command's parameters by the names Click gives them.
"""
