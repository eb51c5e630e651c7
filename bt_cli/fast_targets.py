"""The commands with a fast lane (bt_cli/fast_lane.py), and the function (module:name) that does each.

A module of its own, importing nothing, so the warm client (bt_cli/warm_client.py) can tell a lane
command from others before anything else is loaded.
"""

TARGETS: dict[str, str] = {
    "devices": "bt_cli.actions.devices:devices",
    "files ls": "bt_cli.actions.files:ls",
    "files push": "bt_cli.actions.files:push",
    "files pull": "bt_cli.actions.files:pull",
    "chat send": "bt_cli.actions.chat:send",
    "input tap": "bt_cli.actions.input:tap",
    "input swipe": "bt_cli.actions.input:swipe",
    "input text": "bt_cli.actions.input:text",
    "input key": "bt_cli.actions.input:key",
}


def named(args: list[str]) -> str | None:
    """The lane command two neighbouring words, or else one word, of `args` name ("files pull"), or
    None: a quick first look (the lane's parser decides), and what the warm process's log calls the
    command without its arguments."""
    pairs = (f"{first} {second}" for first, second in zip(args, args[1:], strict=False))
    return next((path for path in (*pairs, *args) if path in TARGETS), None)
