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


def names_one(args: list[str]) -> bool:
    """Whether a word, or two neighbouring words, of `args` name a lane command (a quick first look:
    the lane's parser decides)."""
    return any(arg in TARGETS for arg in args) or any(
        f"{first} {second}" in TARGETS for first, second in zip(args, args[1:], strict=False)
    )
