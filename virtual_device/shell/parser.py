"""Recursive-descent parser for the POSIX sh subset device scripts use (mksh wording for errors)."""

from __future__ import annotations

import re

from virtual_device.shell.ast import (
    AndOr,
    Case,
    For,
    FuncDef,
    Group,
    If,
    Lit,
    Node,
    Pipeline,
    Redir,
    Seq,
    Simple,
    While,
    Word,
)
from virtual_device.shell.lexer import Lexer, ShellSyntaxError, Token

RESERVED = {"then", "else", "elif", "fi", "do", "done", "}", "in", "esac"}
_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def parse(text: str) -> Seq:
    """Parse a whole command line; raises ShellSyntaxError with mksh's message."""
    return Parser(Lexer(text).tokens()).program()


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.i = 0
        self.opened: list[str] = []  # open compound keywords, for "'if' unmatched"

    # -- token helpers -------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def advance(self) -> Token:
        tok = self.toks[self.i]
        if tok.kind != "eof":
            self.i += 1
        return tok

    def is_kw(self, *names: str) -> bool:
        tok = self.tok
        return tok.kind == "word" and tok.word is not None and tok.word.is_plain and tok.value in names

    def is_op(self, *ops: str) -> bool:
        return self.tok.kind == "op" and self.tok.value in ops

    def skip_newlines(self) -> None:
        while self.tok.kind == "newline":
            self.advance()

    def unexpected(self) -> ShellSyntaxError:
        tok = self.tok
        if tok.kind == "eof":
            if self.opened:
                return ShellSyntaxError(f"syntax error: '{self.opened[-1]}' unmatched")
            return ShellSyntaxError("syntax error: unexpected EOF")
        shown = "newline" if tok.kind == "newline" else tok.value
        return ShellSyntaxError(f"syntax error: '{shown}' unexpected")

    def expect_kw(self, name: str) -> None:
        if not self.is_kw(name):
            raise self.unexpected()
        self.advance()

    # -- grammar -------------------------------------------------------------------------------
    def program(self) -> Seq:
        seq = self.command_list(set(), set())
        if self.tok.kind != "eof":
            raise self.unexpected()
        return seq

    def command_list(self, stop_kw: set[str], stop_ops: set[str]) -> Seq:
        seq = Seq()
        while True:
            self.skip_newlines()
            tok = self.tok
            if tok.kind == "eof" or self.is_kw(*stop_kw) or self.is_op(*stop_ops):
                return seq
            item = self.and_or()
            background = False
            if self.is_op(";", "&"):
                background = self.advance().value == "&"
            elif self.tok.kind == "newline":
                self.advance()
            elif not (self.tok.kind == "eof" or self.is_kw(*stop_kw) or self.is_op(*stop_ops)):
                raise self.unexpected()
            seq.items.append((item, background))

    def and_or(self) -> AndOr:
        node = AndOr(self.pipeline())
        while self.is_op("&&", "||"):
            op = self.advance().value
            self.skip_newlines()
            node.rest.append((op, self.pipeline()))
        return node

    def pipeline(self) -> Pipeline:
        negate = False
        if self.is_kw("!"):
            self.advance()
            negate = True
        cmds = [self.command()]
        while self.is_op("|"):
            self.advance()
            self.skip_newlines()
            cmds.append(self.command())
        return Pipeline(cmds, negate)

    def command(self) -> Node:
        node: Node
        if self.is_kw("if"):
            node = self.if_clause()
        elif self.is_kw("for"):
            node = self.for_clause()
        elif self.is_kw("while", "until"):
            node = self.while_clause()
        elif self.is_kw("case"):
            node = self.case_clause()
        elif self._at_function():
            node = self.function_def()
        elif self.is_kw("{"):
            self.advance()
            self.opened.append("{")
            body = self.command_list({"}"}, set())
            self.expect_kw("}")
            self.opened.pop()
            node = Group(body)
        elif self.is_op("("):
            self.advance()
            self.opened.append("(")
            body = self.command_list(set(), {")"})
            if not self.is_op(")"):
                raise self.unexpected()
            self.advance()
            self.opened.pop()
            node = Group(body, subshell=True)
        else:
            return self.simple()
        while self.tok.kind == "redir":
            node.redirs.append(self.redirect())
        return node

    def simple(self) -> Simple:
        cmd = Simple()
        while True:
            tok = self.tok
            if tok.kind == "redir":
                cmd.redirs.append(self.redirect())
            elif tok.kind == "word":
                assert tok.word is not None
                if not cmd.words and tok.word.is_plain and tok.value in RESERVED:
                    raise self.unexpected()
                if not cmd.words and self._assignment(cmd, tok.word):
                    self.advance()
                    continue
                cmd.words.append(tok.word)
                self.advance()
            else:
                break
        if not (cmd.words or cmd.assigns or cmd.redirs):
            raise self.unexpected()
        return cmd

    @staticmethod
    def _assignment(cmd: Simple, word: Word) -> bool:
        first = word.parts[0] if word.parts else None
        if not isinstance(first, Lit) or first.quoted:
            return False
        m = _ASSIGN.match(first.text)
        if not m:
            return False
        rest = first.text[m.end() :]
        parts = ([Lit(rest)] if rest else []) + word.parts[1:]
        cmd.assigns.append((m.group()[:-1], Word(parts)))
        return True

    def redirect(self) -> Redir:
        tok = self.advance()
        if self.tok.kind != "word":
            raise self.unexpected()
        target = self.advance().word
        assert target is not None
        return Redir(tok.fd, tok.value, target)

    def if_clause(self) -> If:
        self.advance()
        self.opened.append("if")
        branches = []
        cond = self.command_list({"then"}, set())
        self.expect_kw("then")
        body = self.command_list({"elif", "else", "fi"}, set())
        branches.append((cond, body))
        orelse = None
        while self.is_kw("elif"):
            self.advance()
            cond = self.command_list({"then"}, set())
            self.expect_kw("then")
            body = self.command_list({"elif", "else", "fi"}, set())
            branches.append((cond, body))
        if self.is_kw("else"):
            self.advance()
            orelse = self.command_list({"fi"}, set())
        self.expect_kw("fi")
        self.opened.pop()
        return If(branches, orelse)

    def for_clause(self) -> For:
        self.advance()
        self.opened.append("for")
        if self.tok.kind != "word":
            raise self.unexpected()
        var = self.advance().value
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var):
            raise ShellSyntaxError("for: bad identifier")
        self.skip_newlines()
        items: list[Word] | None = None
        if self.is_kw("in"):
            self.advance()
            items = []
            while self.tok.kind == "word":
                word = self.advance().word
                assert word is not None
                items.append(word)
            if self.is_op(";") or self.tok.kind == "newline":
                self.advance()
        elif self.is_op(";"):
            self.advance()
        self.skip_newlines()
        self.expect_kw("do")
        body = self.command_list({"done"}, set())
        self.expect_kw("done")
        self.opened.pop()
        return For(var, items, body)

    def _at_function(self) -> bool:
        """`name ( )` starts a function definition (mksh and POSIX)."""
        tok = self.tok
        if tok.kind != "word" or tok.word is None or not tok.word.is_plain or tok.value in RESERVED:
            return False
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", tok.value) or self.i + 2 >= len(self.toks):
            return False
        a, b = self.toks[self.i + 1], self.toks[self.i + 2]
        return a.kind == "op" and a.value == "(" and b.kind == "op" and b.value == ")"

    def function_def(self) -> FuncDef:
        name = self.advance().value
        self.advance()
        self.advance()
        self.skip_newlines()
        if not (self.is_kw("{", "if", "for", "while", "until", "case") or self.is_op("(")):
            raise self.unexpected()
        return FuncDef(name, self.command())

    def case_clause(self) -> Case:
        self.advance()
        self.opened.append("case")
        if self.tok.kind != "word":
            raise self.unexpected()
        word = self.advance().word
        assert word is not None
        self.skip_newlines()
        self.expect_kw("in")
        items: list[tuple[list[Word], Seq]] = []
        while True:
            self.skip_newlines()
            if self.is_kw("esac"):
                break
            if self.is_op("("):
                self.advance()
            patterns: list[Word] = []
            while True:
                if self.tok.kind != "word":
                    raise self.unexpected()
                pattern = self.advance().word
                assert pattern is not None
                patterns.append(pattern)
                if not self.is_op("|"):
                    break
                self.advance()
            if not self.is_op(")"):
                raise self.unexpected()
            self.advance()
            body = self.command_list({"esac"}, {";;"})
            items.append((patterns, body))
            if self.is_op(";;"):
                self.advance()
                continue
            self.skip_newlines()
            if not self.is_kw("esac"):
                raise self.unexpected()
        self.expect_kw("esac")
        self.opened.pop()
        return Case(word, items)

    def while_clause(self) -> While:
        until = self.advance().value == "until"
        self.opened.append("until" if until else "while")
        cond = self.command_list({"do"}, set())
        self.expect_kw("do")
        body = self.command_list({"done"}, set())
        self.expect_kw("done")
        self.opened.pop()
        return While(cond, body, until)
