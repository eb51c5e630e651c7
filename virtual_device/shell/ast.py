"""The syntax tree of a shell command line (what the parser builds and the interpreter walks)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Lit:
    text: str
    quoted: bool = False


@dataclass
class Var:
    name: str
    quoted: bool = False


@dataclass
class CmdSub:
    source: str
    quoted: bool = False


Part = Lit | Var | CmdSub


@dataclass
class Word:
    parts: list[Part]
    raw: str = ""

    @property
    def is_plain(self) -> bool:
        """True when the word is one unquoted literal (a keyword candidate)."""
        return len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted


@dataclass
class Redir:
    fd: int
    op: str  # ">", ">>", "<", ">&", "<&"
    target: Word


@dataclass
class Simple:
    assigns: list[tuple[str, Word]] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class Pipeline:
    commands: list[Node]
    negate: bool = False


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]] = field(default_factory=list)


@dataclass
class Seq:
    items: list[tuple[AndOr, bool]] = field(default_factory=list)  # (item, run in background)


@dataclass
class If:
    branches: list[tuple[Seq, Seq]]
    orelse: Seq | None = None
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class For:
    var: str
    items: list[Word] | None
    body: Seq
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class While:
    cond: Seq
    body: Seq
    until: bool = False
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class Group:
    body: Seq
    subshell: bool = False
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class Case:
    word: Word
    items: list[tuple[list[Word], Seq]]
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class FuncDef:
    """`name() { body; }`: defining it runs nothing; calling it runs body with its own $1..."""

    name: str
    body: Node
    redirs: list[Redir] = field(default_factory=list)


Node = Simple | If | For | While | Group | Case | FuncDef
