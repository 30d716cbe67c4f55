#!/usr/bin/env python3
"""Lists the diagnostics the compiler emits that no test checks.

Scans the C++ sources (lib/, dialects/, tools/, include/, recursively) for
the places that report an error, warning or remark:

  * MLIR diagnostics: emitError / emitOpError / emitWarning / emitRemark,
    with the message as an argument or streamed with `<<`;
  * error helpers: error(loc) << ..., fail("..."), makeError(path, "..."),
    dataError("..."), llvm::createStringError("...");
  * tool errors: llvm::WithColor::error(...) << "...", and `errs() << ...`
    lines that say "error";
  * messages returned as strings by a function that validates something
    (`std::string applySetting(...) { return "unknown setting '" + k; }`).

From each it takes the message's string literals (adjacent literals joined,
dynamic parts in between become gaps). It then collects what the tests
expect: `expected-error/warning/remark/note {{...}}` in lit tests, FileCheck
directives (`PREFIX:`, `-NEXT:`, `-SAME:`, `-DAG:`, `-LABEL:`; not `-NOT:`)
and the string literals of EXPECT_*/ASSERT_* statements in the GoogleTest
sources. A diagnostic is tested when some expectation contains one of its
long literals (at least --min-key characters; a message of short literals
only must match whole), and the expectation fits it better than any other
diagnostic (all of its literals in order, or else the most of them; the
branches of a `?:` are optional; a check may stop inside a literal after
16 characters). Sites with the same message text need one expectation
(file:line) each. DEFENSIVE below lists messages no input can trigger.

Prints the untested diagnostics as `file:line: message` (the literals
joined with `...` where dynamic text goes) and a summary. Exit status 0,
or 1 with --fail-if-any when one is untested.
"""

import argparse
import os
import re
import sys
from collections import defaultdict

SOURCE_DIRS = ["lib", "dialects", "tools", "include"]
SOURCE_EXTS = (".cpp", ".h", ".hpp", ".cc", ".inc")
TEST_EXTS = (".mlir", ".test", ".ll")
UNIT_EXTS = (".cpp", ".cc")

# Calls whose arguments and `<<` chain are a message.
EMITTERS = {
    "emitError", "emitOpError", "emitWarning", "emitRemark",
    "error", "fail", "makeError", "dataError", "createStringError",
}
# Emitters that are diagnostics only as plain calls, not as methods.
UNQUALIFIED = {"error"}
# Calls whose arguments are a stream and a tool name, the message follows
# in the `<<` chain (llvm::WithColor::error(llvm::errs(), "qat-run") << m).
CHAIN_ONLY = {"WithColor"}
# `errs() << ...` statements are diagnostics when a literal says so.
ERRS_WORDS = re.compile(r"\b(error|warning)\b")
# Function names whose returned literals are messages (validators).
RETURNS_MESSAGES = re.compile(r"(apply|check|validate|verify|parse|why)",
                              re.IGNORECASE)

# Messages that no input can trigger (defensive checks of invariants the
# verifiers or earlier passes already guarantee), keyed by a literal of the
# message; the reason says why. Listed with --verbose, not counted.
DEFENSIVE = {
    "has no data: its dense_resource blob is not":
        "qat-export's own check; the qat.param verifier rejects a missing "
        "blob where the model is read (\"refers to the resource ..., which "
        "the file does not hold\")",
    "was compiled":
        "JitModule::run of an entry not compiled; every caller runs only "
        "the entries it passed to JitModule::compile",
    "--batch must be in [1, 2^24]":
        "importOnnxModel's own check; qat-import rejects such a --batch "
        "first (\"--batch must be in [1, 16777216] (2^24), got N\")",
    "the thread count must be at least 1":
        "JitModule::compile's own check; qat-run rejects --threads < 1 first",
    "which this build did not find":
        "only a build configured without libomp-22-dev (scripts/setup.sh "
        "installs it) reaches it",
    "cannot stat":
        "InputFile::open's fstat of the descriptor open() just returned; it "
        "fails only on EIO or, in 32-bit builds, EOVERFLOW",
    "cannot map or read":
        "readInputFile's MemoryBuffer::getOpenFile of a regular file it just "
        "opened and sized; it fails only on an I/O error or when mmap runs "
        "out of address space",
    "cannot tile this op":
        "qat-parallelize-loops tiles only static, parallel first loops of "
        "ops on memrefs, which linalg tiling does not refuse",
    "protobuf cannot serialize the model":
        "qat-export of a model whose ONNX encoding exceeds protobuf's 2 GB "
        "limit; no test writes a 2 GB model",
    "is not finite and non-negative":
        "the integer ops' verifiers require f32 expressed types first, whose "
        "scales the quant dialect keeps in [1.4e-45, 3.4e38]: every "
        "multiplier s_x * s_w / s_y (in double) is finite and positive",
}


def unescape_cpp(body):
    out = []
    i = 0
    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\",
              "'": "'", '"': '"', "?": "?", "a": "\a", "b": "\b",
              "f": "\f", "v": "\v"}
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            n = body[i + 1]
            if n == "x":
                m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
                hexs = m.group(0) if m else ""
                out.append(chr(int(hexs, 16)) if hexs else "x")
                i += 2 + len(hexs)
                continue
            out.append(simple.get(n, n))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<raw>(?:u8|u|U|L)?R"(?P<delim>[^()\\\s]{0,16})\((?P<rawbody>.*?)\)(?P=delim)")
  | (?P<str>(?:u8|u|U|L)?"(?P<body>(?:\\.|[^"\\\n])*)")
  | (?P<chr>(?:u8|u|U|L)?'(?:\\.|[^'\\\n])+')
  | (?P<pp>^[ \t]*\#[^\n]*(?:\\\n[^\n]*)*)
  | (?P<num>\.?[0-9](?:[0-9a-zA-Z_.']|[eEpP][+-])*)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><<=|>>=|<<|>>|::|->|&&|\|\||[-+*/%&|^!=<>]=|\+\+|--|.)
""", re.VERBOSE | re.DOTALL | re.MULTILINE)


class Tok:
    __slots__ = ("kind", "text", "line")

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line

    def __repr__(self):
        return "%s:%r@%d" % (self.kind, self.text, self.line)


def tokenize(src):
    """C++ tokens; adjacent string literals are joined into one."""
    toks = []
    line = 1
    for m in TOKEN_RE.finditer(src):
        kind = m.lastgroup
        text = m.group(0)
        start_line = line
        line += text.count("\n")
        if kind in ("ws", "comment", "pp"):
            continue
        if kind == "raw":
            kind, value = "str", m.group("rawbody")
        elif kind == "str":
            value = unescape_cpp(m.group("body"))
        else:
            value = text
        if kind == "str" and toks and toks[-1].kind == "str":
            toks[-1].text += value
            continue
        toks.append(Tok(kind, value, start_line))
    return toks


OPEN = {"(": ")", "[": "]", "{": "}"}
CLOSE = {")", "]", "}"}


def match_paren(toks, i):
    """Index of the token closing the bracket at toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j].text if toks[j].kind == "op" else None
        if t in OPEN:
            depth += 1
        elif t in CLOSE:
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def chain_end(toks, i):
    """End (exclusive) of the `<<` chain or expression starting at toks[i]:
    the first `;` `,` or unmatched closing bracket at depth 0."""
    depth = 0
    j = i
    while j < len(toks):
        t = toks[j].text if toks[j].kind == "op" else None
        if t in OPEN:
            depth += 1
        elif t in CLOSE:
            if depth == 0:
                return j
            depth -= 1
        elif depth == 0 and t in (";", ","):
            return j
        j += 1
    return j


# A tool's "qat-compile: error: " prefix says nothing about the message.
SEVERITY_PREFIX = re.compile(r"^[\w.-]+: (error|warning|note):?$")


def fragments_of(strs):
    """Message pieces: each literal split at newlines, whitespace-stripped,
    without pure punctuation and severity prefixes."""
    out = []
    for s in strs:
        alt = s.startswith(ALT)
        for piece in s.lstrip(ALT).split("\n"):
            piece = piece.strip(" \t:;,")
            if re.search(r"\w", piece) and not SEVERITY_PREFIX.match(piece):
                out.append((ALT if alt else "") + piece)
    return out


class Diag:
    def __init__(self, path, line, kind, frags):
        self.path, self.line, self.kind, self.frags = path, line, kind, frags
        self.key = None

    def text(self):
        return " ... ".join(f.lstrip(ALT) for f in self.frags)


# Marks a literal that is one branch of a `?:` (" input" : " inputs"): a
# message has one of them, so a check need not.
ALT = "\x01"


def literals(toks, lo, hi):
    out = []
    for i in range(lo, hi):
        if toks[i].kind != "str":
            continue
        prev = toks[i - 1]
        alt = prev.kind == "op" and prev.text in ("?", ":")
        out.append((ALT if alt else "") + toks[i].text)
    return out


def function_bodies(toks):
    """Yields (name, return-type tokens, body start, body end) for each
    function definition (a `{` right after a parameter list)."""
    for i, t in enumerate(toks):
        if t.kind != "op" or t.text != "{":
            continue
        # Walk back over qualifiers to the `)` that closes the parameters.
        j = i - 1
        while j >= 0 and toks[j].kind == "id" and toks[j].text in (
                "const", "override", "final", "noexcept", "mutable"):
            j -= 1
        # A trailing return type: `) -> Type {` (lambdas).
        trailing = []
        k = j
        while k >= 0 and not (toks[k].kind == "op" and toks[k].text in
                              (")", ";", "{", "}")):
            k -= 1
        if k >= 0 and toks[k].text == ")" and k < j and \
                toks[k + 1].text == "->":
            trailing = toks[k + 2:j + 1]
            j = k
        if j < 0 or toks[j].text != ")":
            continue
        # The `(` that opens the parameter list.
        depth = 0
        o = j
        while o >= 0:
            if toks[o].kind == "op" and toks[o].text == ")":
                depth += 1
            elif toks[o].kind == "op" and toks[o].text == "(":
                depth -= 1
                if depth == 0:
                    break
            o -= 1
        if o <= 0:
            continue
        name = toks[o - 1].text if toks[o - 1].kind == "id" else ""
        if name in ("if", "for", "while", "switch", "catch", "return"):
            continue
        # Return type: tokens back to the previous statement boundary.
        s = o - 2
        while s >= 0 and not (toks[s].kind == "op" and toks[s].text in
                              (";", "{", "}", ")")):
            s -= 1
        ret = trailing or toks[s + 1:o - 1]
        yield name, ret, i, match_paren(toks, i)


STRING_TYPES = {"string", "StringRef", "Twine"}


def scan_source(path, rel):
    with open(path, encoding="utf-8", errors="replace") as f:
        toks = tokenize(f.read())
    diags = []
    n = len(toks)
    for i, t in enumerate(toks):
        if t.kind != "id":
            continue
        # emitError(...) << ..., fail("..."), WithColor::error(...) << ...
        if t.text in EMITTERS and i + 1 < n and toks[i + 1].text == "(":
            prev = toks[i - 1] if i > 0 else None
            prev2 = toks[i - 2].text if i > 1 else ""
            # The helpers' own declarations: `static int fail(...) {`.
            if prev is not None and prev.kind == "id" and prev.text not in (
                    "return", "else", "throw", "case", "co_return"):
                continue
            chain_only = prev is not None and prev.text == "::" and \
                prev2 in CHAIN_ONLY
            # `error` is a diagnostic as a plain call (the importer's
            # error(loc)) or WithColor's, not as a method (os.error()).
            if t.text in UNQUALIFIED and prev is not None and \
                    prev.text in (".", "->", "::") and not chain_only:
                continue
            close = match_paren(toks, i + 1)
            if close + 1 < n and toks[close + 1].text == "{":
                continue
            end = close + 1
            if end < n and toks[end].text == "<<":
                end = chain_end(toks, end)
            strs = [] if chain_only else literals(toks, i + 2, close)
            strs += literals(toks, close + 1, end)
            kind = "diagnostic"
        elif t.text == "errs" and i + 2 < n and toks[i + 1].text == "(" \
                and toks[i + 2].text == ")":
            end = chain_end(toks, i + 3)
            strs = literals(toks, i + 3, end)
            if not any(ERRS_WORDS.search(s) for s in strs):
                continue
            kind = "tool error"
        else:
            continue
        diags.append(Diag(rel, t.line, kind, fragments_of(strs)))
    # Validators that return their message: `return "..." + x;`.
    for name, ret, lo, hi in function_bodies(toks):
        if not RETURNS_MESSAGES.search(name):
            continue
        if not any(r.text in STRING_TYPES for r in ret):
            continue
        for j in range(lo + 1, hi):
            if toks[j].kind == "id" and toks[j].text == "return":
                end = chain_end(toks, j + 1)
                strs = literals(toks, j + 1, end)
                frags = fragments_of(strs)
                if frags and max(len(f) for f in frags) >= 12:
                    diags.append(Diag(rel, toks[j].line, "returned message",
                                      frags))
    # A return inside a lambda is seen from both function bodies.
    unique = {}
    for d in diags:
        unique.setdefault((d.line, tuple(d.frags)), d)
    return sorted(unique.values(), key=lambda d: d.line)


def scan_sources(root, dirs):
    diags = []
    for d in dirs:
        top = os.path.join(root, d)
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for fn in sorted(filenames):
                if fn.endswith(SOURCE_EXTS):
                    path = os.path.join(dirpath, fn)
                    diags += scan_source(path, os.path.relpath(path, root))
    return sorted(diags, key=lambda d: (d.path, d.line))


# ---------------------------------------------------------------------------
# Test expectations
# ---------------------------------------------------------------------------

EXPECTED_RE = re.compile(
    r"expected-(?:error|warning|remark|note)(-re)?\s*(?:@[^{]*)?\{\{(.*)\}\}")
CHECK_RE = re.compile(
    r"^\s*(?://+|#+|;+)?\s*([A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*):(.*)$")
NOT_CHECKS = ("RUN", "REQUIRES", "UNSUPPORTED", "XFAIL", "END", "ALLOW_RETRIES")
GAP = "\x00"


def regex_literal(rx):
    """The literal a FileCheck {{regex}} matches if it matches only one
    string ({{\\[}}, {{ }}), else None."""
    out = []
    i = 0
    while i < len(rx):
        c = rx[i]
        if c == "\\" and i + 1 < len(rx) and not rx[i + 1].isalnum():
            out.append(rx[i + 1])
            i += 2
            continue
        if c in ".*+?()[]{}|^$\\":
            return None
        out.append(c)
        i += 1
    return "".join(out)


def with_gaps(text, regex_blocks):
    """Replaces {{regex}} (when regex_blocks) and [[VAR]] / [[VAR:re]] with
    GAP, or with their literal when they match one string."""
    def sub(m):
        lit = regex_literal(m.group(1))
        return lit if lit is not None else GAP
    if regex_blocks:
        text = re.sub(r"\{\{(.*?)\}\}", sub, text)
    text = re.sub(r"\[\[[^\]]*\]\]", GAP, text)
    return text


def norm(text):
    return re.sub(r"[ \t]+", " ", text).strip()


def scan_lit_test(path):
    """The expectations of a lit test, as (text, "path:line")."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for number, line in enumerate(f, 1):
            m = EXPECTED_RE.search(line)
            if m:
                text = with_gaps(m.group(2), bool(m.group(1)))
            else:
                m = CHECK_RE.match(line)
                if not m:
                    continue
                prefix = m.group(1)
                if prefix in NOT_CHECKS or prefix.endswith("-NOT"):
                    continue
                text = with_gaps(m.group(2), True)
            text = norm(text)
            if text.replace(GAP, "").strip():
                out.append((text, "%s:%d" % (path, number)))
    return out


def scan_unit_test(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        toks = tokenize(f.read())
    out = []
    for i, t in enumerate(toks):
        if t.kind == "id" and re.match(r"(EXPECT|ASSERT)_[A-Z_]+$", t.text) \
                and i + 1 < len(toks) and toks[i + 1].text == "(":
            close = match_paren(toks, i + 1)
            end = chain_end(toks, close + 1)
            for s in literals(toks, i + 2, end):
                for piece in s.lstrip(ALT).split("\n"):
                    if piece.strip():
                        out.append((norm(piece), "%s:%d" % (path, t.line)))
    return out


def scan_tests(root, test_dir):
    texts = []
    top = os.path.join(root, test_dir)
    for dirpath, dirnames, filenames in os.walk(top):
        # Inputs hold fixtures, not expectations.
        dirnames[:] = sorted(d for d in dirnames if d != "Inputs")
        for fn in sorted(filenames):
            path = os.path.join(dirpath, fn)
            if fn.endswith(TEST_EXTS):
                texts += scan_lit_test(path)
            elif fn.endswith(UNIT_EXTS):
                texts += scan_unit_test(path)
    return texts


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------

def in_order(frags, text):
    """Which of `frags` occur in `text` in order, each within one GAP-free
    chunk (greedy): (how many, their total length, the positions covered)."""
    pos = 0
    count = length = 0
    covered = set()
    for f in frags:
        f = f.lstrip(ALT)
        at, n = text.find(f, pos), len(f)
        if at < 0:
            at, n = truncated_at(f, text, pos)
        if at < 0:
            continue
        count += 1
        length += n
        covered.update(range(at, at + n))
        pos = at + n
    return count, length, frozenset(covered)


def truncated_at(frag, text, pos, shortest=16):
    """Where a check that stops inside `frag` (at a GAP or at its end)
    checks its longest prefix: (position, length), or (-1, 0)."""
    for n in range(len(frag) - 1, shortest - 1, -1):
        at = text.find(frag[:n], pos)
        while at >= 0:
            end = at + n
            if end == len(text) or text[end] == GAP:
                return at, n
            at = text.find(frag[:n], at + 1)
    return -1, 0


def credited(cands, text, short):
    """The messages among `cands` that `text` checks: those whose literals
    all occur in it, except one whose literals lie inside another's
    ("no function @" inside "qat-convert: no function @"); if none occurs
    whole, those matching the most literals (a message of short literals
    only counts whole)."""
    scored = [(in_order(list(sig), text), sig) for sig in cands]
    full = [(m, sig) for m, sig in scored if all(
        in_order([f], text)[0] for f in sig if not f.startswith(ALT))
        and m[0] >= sum(not f.startswith(ALT) for f in sig)]
    if full:
        return [sig for m, sig in full
                if not any(m[2] < o[2] for o, _ in full)]
    scored = [(m, sig) for m, sig in scored if sig not in short]
    if not scored:
        return []
    best = max(m[:2] for m, _ in scored)
    return [sig for m, sig in scored if m[:2] == best]


def analyze(diags, texts, min_key):
    # Keys: the long literals of a diagnostic (its longest if none is long).
    # A message of short literals only ("input", "has rank") is recognized
    # by all of them in order; one with less text than that ("target " +
    # llvm error) is a wrapper whose message comes from elsewhere.
    for d in diags:
        required = [f for f in d.frags if not f.startswith(ALT)]
        d.key = [f for f in required if len(f) >= min_key]
        d.short = not d.key
        if d.short and sum(len(f) for f in required) >= 10:
            d.key = [max(required, key=len)]
    # Sites with identical messages form one group.
    groups = defaultdict(list)
    for d in diags:
        if d.key:
            groups[tuple(d.frags)].append(d)
    short = {sig for sig, ds in groups.items() if ds[0].short}
    by_key = defaultdict(set)
    for sig, ds in groups.items():
        for k in ds[0].key:
            by_key[k].add(sig)
    # A check that stops inside a key: its last 16 characters before a
    # GAP or its end are those before the cut in the key.
    prefixes = defaultdict(list)
    for k in by_key:
        for n in range(16, len(k)):
            prefixes[k[n - 16:n]].append((k, n))
    # Each expectation (a file:line) credits the messages it checks; sites
    # with the same message need one each.
    credits = defaultdict(set)
    for text, where in texts:
        cands = set()
        for k, sigs in by_key.items():
            if k in text:
                cands |= sigs
        for end in [i for i, c in enumerate(text) if c == GAP] + [len(text)]:
            for k, n in prefixes.get(text[max(0, end - 16):end], ()):
                if text[end - n:end] == k[:n]:
                    cands |= by_key[k]
        if not cands:
            continue
        for sig in credited(cands, text, short):
            credits[sig].add(where)
    tested, untested, dynamic = [], [], []
    for d in diags:
        if not d.key:
            dynamic.append(d)
            continue
        sig = tuple(d.frags)
        if len(credits[sig]) >= len(groups[sig]):
            tested.append(d)
        else:
            untested.append(d)
    return tested, untested, dynamic


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", default=os.path.dirname(here),
                   help="source tree (default: this script's repository)")
    p.add_argument("--test-dir", default="test")
    p.add_argument("--min-key", type=int, default=12,
                   help="shortest literal used to recognize a message")
    p.add_argument("--fail-if-any", action="store_true",
                   help="exit 1 if a diagnostic is untested")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list the tested, defensive and computed ones")
    args = p.parse_args()

    diags = scan_sources(args.root, SOURCE_DIRS)
    texts = scan_tests(args.root, args.test_dir)
    tested, untested, dynamic = analyze(diags, texts, args.min_key)

    defensive = []
    rest = []
    for d in untested:
        reason = next((r for k, r in DEFENSIVE.items() if k in d.text()), None)
        (defensive if reason else rest).append((d, reason))
    untested = [d for d, _ in rest]

    def show(d, suffix=""):
        print("%s:%d: %s%s" % (d.path, d.line, d.text(), suffix))

    shared = defaultdict(int)
    for d in diags:
        shared[tuple(d.frags)] += 1
    for d in untested:
        n = shared[tuple(d.frags)]
        show(d, "  [one of %d sites with this message]" % n if n > 1 else "")
    if args.verbose:
        for d, reason in defensive:
            show(d, "  [defensive: %s]" % reason)
        for d in dynamic:
            show(d, "  [message computed elsewhere]")
        for d in tested:
            show(d, "  [tested]")
    print("%d diagnostics: %d tested, %d untested, %d defensive, "
          "%d with a computed message" % (len(diags), len(tested),
                                           len(untested), len(defensive),
                                           len(dynamic)))
    return 1 if args.fail_if_any and untested else 0


if __name__ == "__main__":
    sys.exit(main())
