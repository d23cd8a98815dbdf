#!/usr/bin/env python3
"""Writes tests/protocol/corpus/: the seed inputs of fuzz_frame.c.

The files are committed; run this only to change them (CTest does not need
Python). Each file is one input of LLVMFuzzerTestOneInput: a control byte,
then the byte stream the server would read from the client. The control
byte steers the harness: reads are 1 + (byte & 0x3f) bytes long, and bit
0x40 lowers the body limit from 64 MiB to 256 bytes.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus")

WHOLE = b"\x3f"      # 64-byte reads
BYTEWISE = b"\x00"   # 1-byte reads
SMALL = b"\x7f"      # 64-byte reads, 256-byte body limit


def frame(body, header=None):
    if isinstance(body, (dict, list)):
        body = json.dumps(body, ensure_ascii=False)
    if isinstance(body, str):
        body = body.encode("utf-8")
    if header is None:
        header = b"Content-Length: %d\r\n\r\n" % len(body)
    return header + body


def req(id, method, params=None):
    m = {"jsonrpc": "2.0", "id": id, "method": method}
    if params is not None:
        m["params"] = params
    return frame(m)


def note(method, params=None):
    m = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        m["params"] = params
    return frame(m)


def pos(l, c):
    return {"line": l, "character": c}


def rng(l1, c1, l2, c2):
    return {"start": pos(l1, c1), "end": pos(l2, c2)}


def change(uri, version, *changes):
    return note("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": version},
        "contentChanges": list(changes)})


URI = "file:///p/src/money.lua"
INIT = {
    "processId": 1, "rootUri": "file:///p", "rootPath": "/p",
    "workspaceFolders": [{"uri": "file:///p", "name": "p"}],
    "initializationOptions": {"livecov": {"runOnType": True}},
    "capabilities": {
        "window": {"workDoneProgress": True},
        "workspace": {"configuration": True,
                      "didChangeConfiguration": {"dynamicRegistration": True}},
        "textDocument": {"publishDiagnostics": {
            "versionSupport": True, "tagSupport": {"valueSet": [1, 2]}}},
        "general": {"positionEncodings": ["utf-8", "utf-16"]}}}
OPEN = note("textDocument/didOpen", {"textDocument": {
    "uri": URI, "languageId": "lua", "version": 1,
    "text": "local M = {}\r\nfunction M.add(a, b)\n  return a + b -- 😀 ünï\rend\nreturn M\n"}})

CASES = {
    # Well-formed sessions.
    "valid_initialize": WHOLE + req(1, "initialize", INIT),
    "valid_initialize_bytewise": BYTEWISE + req(1, "initialize", INIT),
    "valid_initialized": WHOLE + note("initialized", {}),
    "valid_did_open": WHOLE + OPEN,
    "valid_did_change_incremental": WHOLE + OPEN + change(
        URI, 2, {"range": rng(1, 9, 1, 12), "text": "plus"},
        {"range": rng(2, 0, 2, 0), "text": "  -- new\n"},
        {"range": rng(0, 0, 3, 3), "rangeLength": 40, "text": ""}),
    "valid_did_change_full": WHOLE + OPEN + change(URI, 2, {"text": "return 1\n"}),
    "valid_did_change_emoji": WHOLE + OPEN + change(
        URI, 2, {"range": rng(2, 20, 2, 22), "text": "x"},
        {"range": rng(2, 21, 2, 23), "text": "\U0001F600\n"}),
    "valid_did_save_close": WHOLE + note(
        "textDocument/didSave", {"textDocument": {"uri": URI}, "text": "x"})
        + note("textDocument/didClose", {"textDocument": {"uri": URI}}),
    "valid_shutdown_exit": WHOLE + req(9, "shutdown") + note("exit"),
    "valid_responses": WHOLE
        + frame({"jsonrpc": "2.0", "id": 1, "result": None})
        + frame({"jsonrpc": "2.0", "id": "a", "error": {"code": -32601, "message": "no"}}),
    "valid_cancel": WHOLE + req(4, "livecov/sync", {})
        + note("$/cancelRequest", {"id": 4}),
    "valid_session_bytewise": BYTEWISE + req(1, "initialize", {"capabilities": {}})
        + note("initialized", {}) + OPEN + req(2, "shutdown") + note("exit"),
    "valid_content_type": WHOLE + frame(
        "{}", b"Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"),
    "valid_lowercase_bare_lf": WHOLE + frame("{}", b"content-length:2\n\n"),
    "valid_spaces_zeros": WHOLE + frame("{}", b"Content-Length: \t 0002 \r\n\r\n"),
    "valid_blank_lines_between": WHOLE + b"\r\n\r\n" + note("exit") + b"\n\n" + note("exit"),
    "valid_unknown_header": WHOLE + frame("{}", b"X-Whatever: 1\r\nContent-Length: 2\r\n\r\n"),
    "valid_initialize_root_path": WHOLE + req(1, "initialize", {
        "rootPath": "/with space/%/#", "capabilities": {"general": {"positionEncodings": ["utf-32"]}}}),
    "valid_initialize_folders": WHOLE + req(1, "initialize", {
        "rootUri": None, "workspaceFolders": [{"uri": "file://localhost/w%20s"}]}),

    # Framing errors, each followed by a valid message.
    "frame_truncated_header": WHOLE + b"Content-Len",
    "frame_truncated_body": WHOLE + b"Content-Length: 100\r\n\r\n{\"jsonrpc\"",
    "frame_garbage": WHOLE + b"hello world\r\n\r\n" + note("exit"),
    "frame_binary_garbage": WHOLE + bytes(range(256)) + note("exit"),
    "frame_huge_length": WHOLE + b"Content-Length: 2147483648\r\n\r\n" + note("exit"),
    "frame_overflowing_length": WHOLE + b"Content-Length: 184467440737095516160\r\n\r\n{}" + note("exit"),
    "frame_negative_length": WHOLE + b"Content-Length: -5\r\n\r\n{}" + note("exit"),
    "frame_non_numeric_length": WHOLE + b"Content-Length: 0x10\r\n\r\n{}" + note("exit"),
    "frame_empty_length": WHOLE + b"Content-Length:\r\n\r\n{}" + note("exit"),
    "frame_duplicate_length": WHOLE + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}" + note("exit"),
    "frame_missing_length": WHOLE + b"Content-Type: x\r\n\r\n{}" + note("exit"),
    "frame_header_too_long": WHOLE + b"X-Long: " + b"a" * 9000 + b"\r\n\r\n" + note("exit"),
    "frame_body_mentions_header": WHOLE + b"Content-Length: x\r\n\r\n"
        + b'{"text":"Content-Length: 3\\r\\n\\r\\nabc"}' + note("exit"),
    "frame_over_small_limit": SMALL + req(1, "initialize", INIT) + note("exit"),
    "frame_empty_body": WHOLE + b"Content-Length: 0\r\n\r\n" + note("exit"),
    "frame_only_newlines": BYTEWISE + b"\r\n" * 40 + b"\n\r" * 10,

    # Bodies that are not JSON-RPC.
    "rpc_not_json": WHOLE + frame("not json at all"),
    "rpc_trailing_garbage": WHOLE + frame('{"jsonrpc":"2.0","method":"exit"} x'),
    "rpc_scalar": WHOLE + frame("42") + frame('"s"') + frame("null"),
    "rpc_batch": WHOLE + frame([{"jsonrpc": "2.0", "method": "exit"}]),
    "rpc_deep_arrays": WHOLE + frame("[" * 2100 + "]" * 2100),
    "rpc_deep_objects": WHOLE + frame('{"a":' * 300 + "1" + "}" * 300),
    "rpc_invalid_utf8": WHOLE + frame(b'{"jsonrpc":"2.0","method":"\xff\xfe"}'),
    "rpc_invalid_utf8_token": WHOLE + frame(b'\xe6\x97\xa5\xff'),
    "rpc_nul_in_strings": WHOLE + frame('{"jsonrpc":"2.0","method":"m\\u0000x","params":{"t":"\\u0000"}}'),
    "rpc_surrogates": WHOLE + frame('{"jsonrpc":"2.0","method":"m","params":{"a":"\\ud83d\\ude00","b":"\\ud800"}}'),
    "rpc_odd_ids": WHOLE + frame('{"jsonrpc":"2.0","id":1.5,"method":"m"}')
        + frame('{"jsonrpc":"2.0","id":null,"method":"m"}')
        + frame('{"jsonrpc":"2.0","id":true,"method":"m"}')
        + frame('{"jsonrpc":"2.0","id":9223372036854775807,"method":"m"}')
        + frame('{"jsonrpc":"2.0","id":-1,"result":1}'),
    "rpc_wrong_version": WHOLE + frame('{"jsonrpc":"1.0","id":1,"method":"m"}')
        + frame('{"id":1,"method":"m"}'),
    "rpc_bad_params": WHOLE + frame('{"jsonrpc":"2.0","id":1,"method":"m","params":"s"}')
        + frame('{"jsonrpc":"2.0","method":7}'),
    "rpc_bad_responses": WHOLE + frame('{"jsonrpc":"2.0","id":1}')
        + frame('{"jsonrpc":"2.0","id":1,"result":1,"error":{}}')
        + frame('{"jsonrpc":"2.0","id":1,"error":{"code":"x","message":1}}'),

    # LSP payloads with bad values.
    "lsp_bad_ranges": WHOLE + OPEN + change(
        URI, 2, {"range": rng(3, 5, 1, 0), "text": "x"},
        {"range": rng(99, 99, 100, 0), "text": "tail"},
        {"range": rng(-1, 0, 0, 0), "text": ""},
        {"range": rng(4294967296, 0, 0, 0), "text": ""},
        {"range": {"start": {}}, "text": ""}),
    "lsp_bad_uris": WHOLE + note("textDocument/didClose", {"textDocument": {"uri": "file:///a%zz"}})
        + note("textDocument/didClose", {"textDocument": {"uri": "file://host/a"}})
        + note("textDocument/didClose", {"textDocument": {"uri": "file:///a%00b"}})
        + note("textDocument/didClose", {"textDocument": {"uri": "untitled:1"}})
        + note("textDocument/didClose", {"textDocument": {"uri": "file:///%C3%BCn%C3%AF/%E6%97%A5"}}),
    "lsp_bad_initialize": WHOLE + req(1, "initialize", {
        "processId": "x", "capabilities": {"general": {"positionEncodings": "utf-8"}}})
        + req(2, "initialize", {"rootUri": 5})
        + req(3, "initialize", {"workspaceFolders": [{}], "capabilities": []}),
    "lsp_change_crlf_merge": WHOLE + note("textDocument/didOpen", {"textDocument": {
        "uri": URI, "languageId": "lua", "version": 1, "text": "a\rb\r\nc"}})
        + change(URI, 2, {"range": rng(1, 0, 1, 0), "text": "\n"},
                 {"range": rng(0, 1, 0, 1), "text": "\r"}),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        os.remove(os.path.join(OUT, name))
    for name, data in sorted(CASES.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(CASES), OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
