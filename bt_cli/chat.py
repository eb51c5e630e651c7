"""`bt chat send|canned|ignore|serve`: chat with the device user, canned messages, the customer page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.actions import chat as chat_actions
from bt_cli.options import JSON_OPTION

if TYPE_CHECKING:
    from rich.tree import Tree

    from bt_core.canned import CannedLibrary, Category

chat_app = typer.Typer(
    help="Chat with the device user: messages, URL push, canned messages, the customer page.", no_args_is_help=True
)

SESSION_OPTION = Annotated[str, typer.Option("--session", help="Session id (default: the current session).")]


def register(app: typer.Typer) -> None:
    app.add_typer(chat_app, name="chat")


@chat_app.command("send")
def send(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="The message (BBCode allowed); a lone http(s) URL opens on the device.")
    ] = "",
    canned: Annotated[str, typer.Option("--canned", help="Send this canned message (name or title).")] = "",
    no_spellcheck: Annotated[bool, typer.Option("--no-spellcheck", help="Do not check the spelling.")] = False,
    session: SESSION_OPTION = "",
    json_out: JSON_OPTION = False,
) -> None:
    """Send a message: a notification on the device (Android 10+), and a line in the transcript."""
    chat_actions.send(context.get(ctx), text, canned, no_spellcheck, session, json_out)


@chat_app.command("canned")
def canned(
    ctx: typer.Context,
    search: Annotated[str, typer.Option("--search", help="Only messages with every word in title or body.")] = "",
    json_out: JSON_OPTION = False,
) -> None:
    """Show the canned messages as a tree, or the ones matching --search."""
    from rich.text import Text

    from bt_core.bbcode import to_plain

    cli = context.get(ctx)
    chat = cli.services.chat
    if search:
        found = chat.canned(search)
        if json_out:
            context.emit_json([m.to_json() for m in found])
            return
        if not found:
            cli.info(f"no canned message matches {search!r}")
        for message in found:
            line = Text(" / ".join(message.path) + " › ", style="dim")
            line.append(message.title, style="bold")
            if message.name:
                line.append(f"  [{message.name}]", style="cyan")
            line.append("\n    " + to_plain(message.body).replace("\n", "\n    "))
            cli.console.print(line, markup=False, highlight=False)
        return
    library = chat.canned_library()
    if json_out:
        context.emit_json([c.to_json() for c in library.tree()])
        return
    cli.console.print(_tree(library), markup=False, highlight=False)


def _tree(library: CannedLibrary) -> Tree:
    """A CannedLibrary as a Rich Tree."""
    from rich.text import Text
    from rich.tree import Tree

    root = Tree(Text(f"Canned messages ({library.source})", style="bold"))

    def add(node: Tree, category: Category) -> None:
        branch = node.add(Text(category.name, style="bold"))
        for message in category.messages:
            label = Text(message.title)
            if message.name:
                label.append(f"  [{message.name}]", style="cyan")
            branch.add(label)
        for sub in category.subcategories:
            add(branch, sub)

    for category in library.tree():
        add(root, category)
    return root


@chat_app.command("ignore")
def ignore(
    ctx: typer.Context,
    word: Annotated[str, typer.Argument(help="The word to accept from now on.")],
    json_out: JSON_OPTION = False,
) -> None:
    """Stop flagging a word as misspelled in your messages."""
    cli = context.get(ctx)
    path = cli.services.chat.ignore(word)
    if json_out:
        context.emit_json({"word": word, "ignore_list": str(path)})
        return
    cli.info(f"{word!r} is no longer flagged (your ignore list: {path})")


@chat_app.command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port on this computer (0: any free one).")] = 0,
    device_port: Annotated[
        int, typer.Option("--device-port", help="Port on the device's localhost (default: the host's choice).")
    ] = 0,
    no_open: Annotated[bool, typer.Option("--no-open", help="Map the port but do not open the page.")] = False,
    session: SESSION_OPTION = "",
    json_out: Annotated[bool, typer.Option("--json", help="Print the page's address as one JSON line.")] = False,
) -> None:
    """Restart the session host's customer page (served and mapped onto the device) and open it there."""
    cli = context.get(ctx)
    status = cli.services.chat.restart_page(session or None, port=port, device_port=device_port, open_page=not no_open)
    if json_out:
        context.emit_json_line(
            {"session_id": status.session_id, "device_url": status.page_url, "port": status.page_port}
        )
    else:
        cli.console.print(status.page_url, markup=False, highlight=False, soft_wrap=True)
    cli.info(
        f"customer page for session {status.session_id} on the device at {status.page_url} "
        f"(this computer: 127.0.0.1:{status.page_port}); the session host keeps it until the session ends"
    )
